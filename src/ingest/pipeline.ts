// source -> parse -> sink, one file at a time, each file in one transaction of the sink.
// Counters: files stored, flows stored, files skipped as already ingested, lines rejected by
// reason with samples, files that failed (with the user error, and nothing of them stored).

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.js';
import { type BatchPool, createBatchPool, type FlowBatch } from '../flow/index.js';
import { createParser, createRecordSink, type Layout, type ParseStats, type RejectSample } from './parse/index.js';
import { type Container, expandInputs, hashFile, type InputFile, openText, readHead, sniffContainer } from './sources/file.js';
import { readParquet } from './sources/parquet.js';

/**
 * Where parsed flows go: the store's writer, behind a seam so ingest needs no engine. A
 * transaction holds whole files; commit() stores them with their flows, rollback() drops them.
 */
export interface FlowSink {
  findIngested(size: number, hash: string): { readonly path: string } | undefined;
  readonly inTransaction: boolean;
  begin(): Promise<void>;
  startFile(): void;
  append(batch: FlowBatch): void;
  endFile(file: { path: string; size: number; hash: string }, rejected: number): void;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Commit after this many flows or files: a commit costs ~30 ms, and a killed run redoes at most this much. */
const GROUP_FLOWS = 2_000_000;
const GROUP_FILES = 500;

export interface IngestProgress {
  readonly file: string;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly flows: number;
}

export interface IngestOptions {
  readonly format?: Layout;
  readonly maxSamples?: number;
  readonly stdin?: Readable;
  /** files never to read, e.g. the store and its write-ahead log */
  readonly exclude?: readonly string[];
  readonly onProgress?: (p: IngestProgress) => void;
  /** batches to reuse; one per run is made when not given */
  readonly pool?: BatchPool;
}

export interface IngestReport {
  files: number;
  flows: number;
  skippedFiles: number;
  skipped: { path: string; sameAs: string }[];
  rejected: number;
  rejectedByReason: Record<string, number>;
  samples: RejectSample[];
  startAfterEnd: number;
  failed: { path: string; error: UserError }[];
}

function emptyReport(): IngestReport {
  return {
    files: 0,
    flows: 0,
    skippedFiles: 0,
    skipped: [],
    rejected: 0,
    rejectedByReason: {},
    samples: [],
    startAfterEnd: 0,
    failed: [],
  };
}

function addStats(r: IngestReport, s: ParseStats, maxSamples: number): void {
  r.flows += s.flows;
  r.rejected += s.rejected;
  r.startAfterEnd += s.startAfterEnd;
  for (const [k, v] of Object.entries(s.rejectedByReason)) r.rejectedByReason[k] = (r.rejectedByReason[k] ?? 0) + v;
  for (const x of s.samples) if (r.samples.length < maxSamples) r.samples.push(x);
}

/** Ingests every input; a file that fails is reported, nothing of it is stored, and the rest go on. */
export async function ingest(inputs: readonly string[], sink: FlowSink, opts: IngestOptions = {}): Promise<IngestReport> {
  const files = await expandInputs(inputs, opts.exclude);
  opts = { ...opts, pool: opts.pool ?? createBatchPool() };
  const report = emptyReport();
  const maxSamples = opts.maxSamples ?? 10;
  const bytesTotal = files.reduce((n, f) => n + (f.kind === 'file' ? f.size : 0), 0);
  let bytesDone = 0;
  let flowsDone = 0;
  // files parsed into the open transaction, with their stats: counted only once committed
  let group: { file: InputFile; hash: string; size: number; stats: ParseStats }[] = [];
  const commit = async () => {
    if (!sink.inTransaction) return;
    await sink.commit();
    for (const g of group) {
      addStats(report, g.stats, maxSamples);
      report.files++;
    }
    group = [];
  };
  for (const [i, f] of files.entries()) {
    const progress = (n: number) => {
      bytesDone += n;
      opts.onProgress?.({ file: f.path, filesDone: i, filesTotal: files.length, bytesDone, bytesTotal, flows: flowsDone });
    };
    try {
      const done = await ingestOne(f, sink, opts, progress, report);
      if (done === undefined) continue;
      group.push({ file: f, ...done });
      flowsDone += done.stats.flows;
      if (group.length >= GROUP_FILES || group.reduce((n, g) => n + g.stats.flows, 0) >= GROUP_FLOWS) await commit();
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      report.failed.push({ path: f.path, error: e });
      group = await replay(group, sink, opts);
    }
  }
  await commit();
  return report;
}

/**
 * A file failed inside a transaction holding earlier good files: roll back, then parse those
 * again into a fresh transaction (DuckDB has no savepoints). Only happens on bad input.
 */
async function replay(group: { file: InputFile; hash: string; size: number; stats: ParseStats }[], sink: FlowSink, opts: IngestOptions) {
  if (sink.inTransaction) await sink.rollback();
  const again: typeof group = [];
  for (const g of group) {
    if (g.file.kind !== 'file') continue; // stdin cannot be read twice; it always commits alone
    const done = await ingestOne(g.file, sink, opts, () => {}, emptyReport());
    if (done !== undefined) again.push({ file: g.file, ...done });
  }
  return again;
}

type Parsed = { hash: string; size: number; stats: ParseStats };

async function ingestOne(
  f: InputFile,
  sink: FlowSink,
  opts: IngestOptions,
  progress: (n: number) => void,
  report: IngestReport,
): Promise<Parsed | undefined> {
  if (f.kind === 'stdin') return ingestStdin(sink, opts, report);
  const hash = await hashFile(f.path);
  const same = sink.findIngested(f.size, hash);
  if (same !== undefined) {
    report.skippedFiles++;
    report.skipped.push({ path: f.path, sameAs: same.path });
    progress(f.size);
    return undefined;
  }
  const container = sniffContainer(await readHead(f.path));
  if (!sink.inTransaction) await sink.begin();
  sink.startFile();
  const stats =
    container === 'parquet'
      ? await parseParquet(f.path, sink, opts, () => progress(0))
      : await parseStream(openText(f.path, container, progress), f.path, container, sink, opts);
  if (container === 'parquet') progress(f.size);
  assertFlowLog(f.path, stats);
  sink.endFile({ path: f.path, size: f.size, hash }, stats.rejected);
  return { hash, size: f.size, stats };
}

/** stdin is hashed as it streams, so it commits alone: a duplicate is only known at the end. */
async function ingestStdin(sink: FlowSink, opts: IngestOptions, report: IngestReport): Promise<Parsed | undefined> {
  if (sink.inTransaction) await sink.commit();
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
  sink.startFile();
  const stats = await parseStream(bytesThroughGunzip(bytes(), () => gunzip), '-', 'plain', sink, opts);
  const digest = hash.digest('hex');
  const same = sink.findIngested(size, digest);
  if (same !== undefined) {
    await sink.rollback();
    report.skippedFiles++;
    report.skipped.push({ path: '-', sameAs: same.path });
    return undefined;
  }
  assertFlowLog('-', stats);
  sink.endFile({ path: '-', size, hash: digest }, stats.rejected);
  return { hash: digest, size, stats };
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

async function parseStream(
  stream: AsyncIterable<unknown>,
  path: string,
  container: Container,
  sink: FlowSink,
  opts: IngestOptions,
): Promise<ParseStats> {
  const parser = createParser(
    { source: path, ...(opts.format === undefined ? {} : { format: opts.format }), maxSamples: opts.maxSamples ?? 10, ...allocator(opts) },
    (b) => handOver(b, sink, opts),
  );
  try {
    for await (const chunk of stream) parser.push(chunk as Uint8Array);
  } catch (e) {
    throw unreadable(path, container, e);
  }
  parser.end();
  return parser.stats;
}

async function parseParquet(path: string, sink: FlowSink, opts: IngestOptions, tick: () => void): Promise<ParseStats> {
  const records = createRecordSink({ source: path, maxSamples: opts.maxSamples ?? 10, ...allocator(opts) }, (b) =>
    handOver(b, sink, opts),
  );
  let line = 0;
  for await (const rows of readParquet(path)) {
    for (const r of rows) records.push(r, ++line);
    tick();
  }
  records.end();
  return records.stats;
}

function allocator(opts: IngestOptions): { allocate?: (capacity: number) => FlowBatch } {
  const pool = opts.pool;
  return pool === undefined ? {} : { allocate: (n) => pool.take(n) };
}

/** The sink copies a batch synchronously, so it can go back to the pool at once. */
function handOver(b: FlowBatch, sink: FlowSink, opts: IngestOptions): void {
  sink.append(b);
  opts.pool?.give(b);
}

function unreadable(path: string, container: Container, e: unknown): UserError {
  if (e instanceof UserError) return e;
  const detail = String((e as Error).message ?? e);
  if (container === 'gzip' || /incorrect header|unexpected end|invalid|zlib/i.test(detail)) {
    return new UserError('ingest.corrupt', `'${path}' is not a valid gzip file: ${detail}`, {
      hint: 'the file is probably truncated or damaged; download it again (aws s3 cp) and re-run ingest',
      cause: e,
    });
  }
  return new UserError('ingest.unreadable', `cannot read '${path}': ${detail}`, { hint: 'check the file and its permissions', cause: e });
}

/** A file in which no line at all was a flow record is not a flow log: say so, store nothing. */
function assertFlowLog(path: string, s: ParseStats): void {
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
