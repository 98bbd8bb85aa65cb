// Reads one input into the sink: a file (plain, gzip or Parquet, told apart by its bytes) or
// stdin, parsed into batches that go to the sink as they fill. Says whether the bytes were
// already ingested, and turns unreadable input into a user error naming the file.

import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.js';
import type { FlowBatch } from '../flow/index.js';
import { createParser, createRecordSink, type ParseStats, route } from './parse/index.js';
import {
  type Container,
  hashFile,
  type InputFile,
  openText,
  readHead,
  sniffContainer,
} from './sources/file.js';
import { readParquet } from './sources/parquet.js';
import type { FlowSink, IngestOptions } from './types.js';

export type Parsed = { hash: string; size: number; stats: ParseStats };

/** What reading one input did: parsed it into the open transaction, or found its bytes already stored. */
export type ReadResult =
  | { readonly kind: 'parsed'; readonly parsed: Parsed }
  | { readonly kind: 'skipped'; readonly sameAs: string };

/** A file to read, once its identity is known and it is not already stored. */
export interface Prepared {
  readonly path: string;
  readonly size: number;
  readonly hash: string;
  readonly container: Container;
}

/** Hashes a file and sniffs its container; says when the same bytes are already stored. */
export async function prepare(
  f: InputFile & { kind: 'file' },
  sink: FlowSink,
  hashed: Promise<string> = hashFile(f.path),
): Promise<{ kind: 'skipped'; sameAs: string } | { kind: 'ready'; file: Prepared }> {
  const hash = await hashed;
  const same = sink.findIngested(f.size, hash);
  if (same !== undefined) return { kind: 'skipped', sameAs: same.path };
  return {
    kind: 'ready',
    file: { path: f.path, size: f.size, hash, container: sniffContainer(await readHead(f.path)) },
  };
}

/** Reads a prepared file into the open transaction on this thread. */
export async function readHere(
  p: Prepared,
  sink: FlowSink,
  opts: IngestOptions,
  progress: (n: number) => void,
): Promise<Parsed> {
  if (!sink.inTransaction) await sink.begin();
  const id = sink.startFile();
  const { emit, settle } = emitTo(sink, id, opts);
  const stats =
    p.container === 'parquet'
      ? await parseParquet(p.path, emit, opts, () => progress(0), settle)
      : await parseStream(openText(p.path, p.container, progress), p.path, p.container, emit, opts, settle);
  await settle();
  if (p.container === 'parquet') progress(p.size);
  assertFlowLog(p.path, stats);
  sink.endFile(id, { path: p.path, size: p.size, hash: p.hash }, stats.rejected);
  return { hash: p.hash, size: p.size, stats };
}

/** stdin is hashed as it streams, so it goes in a transaction of its own: a duplicate is only known at the end. */
export async function readStdin(sink: FlowSink, opts: IngestOptions): Promise<ReadResult> {
  const input = opts.stdin ?? process.stdin;
  const hash = createHash('sha256');
  let size = 0;
  let first = true;
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      const buf = chunk as Buffer;
      hash.update(buf);
      size += buf.length;
      if (first) {
        first = false;
        if (sniffContainer(buf) === 'gzip') gunzip = createGunzip();
      }
      yield buf;
    }
  }
  await sink.begin();
  const id = sink.startFile();
  const { emit, settle } = emitTo(sink, id, opts);
  const stats = await parseStream(
    bytesThroughGunzip(bytes(), () => gunzip),
    '-',
    'plain',
    emit,
    opts,
    settle,
  );
  await settle();
  const digest = hash.digest('hex');
  const same = sink.findIngested(size, digest);
  if (same !== undefined) {
    await sink.rollback();
    return { kind: 'skipped', sameAs: same.path };
  }
  assertFlowLog('-', stats);
  sink.endFile(id, { path: '-', size, hash: digest }, stats.rejected);
  return { kind: 'parsed', parsed: { hash: digest, size, stats } };
}

/** Yields raw bytes, or their gunzipped form once the first chunk showed gzip magic. */
async function* bytesThroughGunzip(
  src: AsyncGenerator<Uint8Array>,
  gunzipOf: () => ReturnType<typeof createGunzip> | undefined,
): AsyncGenerator<Uint8Array> {
  const firstChunk = await src.next();
  if (firstChunk.done) return;
  const gz = gunzipOf();
  if (gz === undefined) {
    yield firstChunk.value;
    yield* src;
    return;
  }
  const feed = (async () => {
    gz.write(firstChunk.value);
    for await (const c of src) if (!gz.write(c)) await new Promise((r) => gz.once('drain', r));
    gz.end();
  })();
  feed.catch((e: unknown) => gz.destroy(e as Error));
  for await (const c of gz) yield c as Uint8Array;
  await feed;
}

/** Parses a byte stream, handing each full batch to `emit`; `between` runs after each chunk (backpressure). */
export async function parseStream(
  stream: AsyncIterable<unknown>,
  path: string,
  container: Container,
  emit: (b: FlowBatch) => void,
  opts: IngestOptions,
  between: () => Promise<void> = async () => {},
): Promise<ParseStats> {
  const parser = createParser(
    {
      source: path,
      ...(opts.format === undefined ? {} : { format: opts.format }),
      maxSamples: opts.maxSamples ?? 10,
      ...allocator(opts),
    },
    emit,
  );
  // a failure of the sink (between() waits for it) is the store's, not the file's: passed on as it is
  let sinkFailed: { error: unknown } | undefined;
  try {
    for await (const chunk of stream) {
      parser.push(chunk as Uint8Array);
      await between().catch((error: unknown) => {
        sinkFailed = { error };
        throw error;
      });
    }
  } catch (e) {
    if (sinkFailed !== undefined) throw sinkFailed.error;
    throw unreadable(path, container, e);
  }
  parser.end();
  return parser.stats;
}

async function parseParquet(
  path: string,
  emit: (b: FlowBatch) => void,
  opts: IngestOptions,
  tick: () => void,
  settle: () => Promise<void>,
): Promise<ParseStats> {
  const records = createRecordSink(
    { source: path, maxSamples: opts.maxSamples ?? 10, ...allocator(opts) },
    emit,
  );
  let line = 0;
  for await (const rows of readParquet(path)) {
    for (const r of rows) records.push(r, ++line);
    tick();
    await settle();
  }
  records.end();
  return records.stats;
}

function allocator(opts: IngestOptions): { allocate?: (capacity: number) => FlowBatch } {
  const pool = opts.pool;
  return pool === undefined ? {} : { allocate: (n) => pool.take(n) };
}

/** What a parser on this thread hands its batches to, and how it waits for the sink. */
interface Emit {
  readonly emit: (b: FlowBatch) => void;
  /** waits for the batches the sink is still reading; a failure of theirs is thrown here */
  readonly settle: () => Promise<void>;
}

/**
 * Routes and appends to a started file (on this thread: Parquet, stdin, --workers 0). A batch the
 * sink took at once goes back to the pool; one it still reads is waited for at the next settle().
 */
function emitTo(sink: FlowSink, fileId: number, opts: IngestOptions): Emit {
  let pending: Promise<void>[] = [];
  return {
    emit: (b) => {
      route(b);
      const taken = sink.append(b, fileId);
      if (taken === undefined) opts.pool?.give(b);
      else pending.push(taken.then(() => opts.pool?.give(b)));
    },
    settle: async () => {
      while (pending.length > 0) {
        const now = pending;
        pending = [];
        await Promise.all(now);
      }
    },
  };
}

export function unreadable(path: string, container: Container, e: unknown): UserError {
  if (e instanceof UserError) return e;
  const detail = String((e as Error).message ?? e);
  if (container === 'gzip' || /incorrect header|unexpected end|invalid|zlib/i.test(detail)) {
    return new UserError('ingest.corrupt', `'${path}' is not a valid gzip file: ${detail}`, {
      hint: 'the file is probably truncated or damaged; download it again (aws s3 cp) and re-run ingest',
      cause: e,
    });
  }
  return new UserError('ingest.unreadable', `cannot read '${path}': ${detail}`, {
    hint: 'check the file and its permissions',
    cause: e,
  });
}

/** A file in which no line at all was a flow record is not a flow log: say so, store nothing. */
export function assertFlowLog(path: string, s: ParseStats): void {
  if (s.flows > 0 || s.rejected === 0) return;
  const first = s.samples[0];
  const reasons = Object.entries(s.rejectedByReason)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  throw new UserError(
    'ingest.not-flow-log',
    `'${path}' does not look like a flow log: none of its ${s.rejected} lines is a flow record (${reasons})` +
      (first === undefined ? '' : `; line ${first.line} reads '${first.text.slice(0, 80)}'`),
    {
      at: first === undefined ? path : `${path}:${first.line}`,
      hint:
        'flow-log files start with a header line of field names; for headerless input (CloudWatch exports) ' +
        'pass the flow log\'s format: --format "${version} ${account-id} ${interface-id} ..."',
    },
  );
}
