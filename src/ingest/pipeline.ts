// source -> parse -> sink. Files parse in worker threads while the main thread appends their
// batches to the store. Whole files are committed in groups (one commit per file cost more than
// parsing it); when a file fails, its group is rolled back and the group's good files are read
// again, so nothing of a bad file is ever stored. Counters: files, flows, skipped files,
// rejected lines by reason with samples, failed files.

import { availableParallelism } from 'node:os';
import { UserError } from '../errors.js';
import { createBatchPool } from '../flow/index.js';
import { nativeTextLines, nativeTextLinesProblem, type ParseStats } from './parse/index.js';
import { createParsePool, type ParsePool } from './parse-pool.js';
import { assertFlowLog, type Prepared, prepare, readHere, readStdin } from './read-input.js';
import { expandInputs, hashFile, type InputFile } from './sources/file.js';
import type { FlowSink, IngestOptions, IngestReport } from './types.js';

export type { FlowSink, IngestOptions, IngestProgress, IngestReport } from './types.js';

/**
 * Commit after this many flows or files; a killed run redoes at most this much. Each commit holds
 * the parse worker back for about 250 ms (the last partial stage's INSERT, the commit, the next
 * file's first row group): at 0.5 M flows that was a fifth of a 10 M ingest. 2 M flows load
 * within the writer's first memory limit (96 MB): INSERTs write compressed row groups as they go.
 */
const GROUP_FLOWS = 2_000_000;
const GROUP_FILES = 500;

type FileInput = InputFile & { kind: 'file' };

interface GroupResult {
  stats: ParseStats[];
  skipped: { path: string; sameAs: string }[];
  failed: { file: FileInput; error: UserError }[];
  /** files taken from the queue, in order */
  taken: FileInput[];
  /** a failure of the store itself (or a bug), not of one file: the run stops */
  fatal?: { error: unknown };
}

/** The store failed (`store.*`, e.g. out of memory): no other file would fare better. */
const storeFailed = (e: unknown): boolean => e instanceof UserError && e.code.startsWith('store.');
const outOfMemory = (e: unknown): boolean => e instanceof UserError && e.code === 'store.out-of-memory';

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
    transactions: 0,
    parser: parserInUse(),
  };
}

function parserInUse(): IngestReport['parser'] {
  const why = nativeTextLinesProblem();
  return why === undefined ? { native: true } : { native: false, why };
}

function addStats(r: IngestReport, s: ParseStats, maxSamples: number): void {
  r.files++;
  r.flows += s.flows;
  r.rejected += s.rejected;
  r.startAfterEnd += s.startAfterEnd;
  for (const [k, v] of Object.entries(s.rejectedByReason))
    r.rejectedByReason[k] = (r.rejectedByReason[k] ?? 0) + v;
  for (const x of s.samples) if (r.samples.length < maxSamples) r.samples.push(x);
}

/**
 * Parse workers by default. With the native parser (the addon built), one per core but one, at
 * least 1 and at most 2: a worker now inflates and parses a flow in less CPU than DuckDB's INSERT
 * of it takes on the writing thread, so one worker keeps the writer busy on 2 cores and a second
 * only adds memory. Measured on 2 cores: 10 M bench flows 15.1-17.3 s with one worker against
 * 15.3-18.4 s with two, 345 against 384-387 MB peak RSS; 50 M flows 67 s against 70-74 s, 385-392
 * against 430-439 MB. The JavaScript parser costs about twice the append per flow, so without the
 * addon it is one per core (at most 3), as before: 2 M flows 9.3 s against 11.3 s with one.
 */
export function defaultWorkers(): number {
  const cores = availableParallelism();
  if (nativeTextLines() === undefined) return Math.max(1, Math.min(3, cores));
  return Math.max(1, Math.min(2, cores - 1));
}

/** Ingests every input; a file that fails is reported, nothing of it is stored, and the rest go on. */
export async function ingest(
  inputs: readonly string[],
  sink: FlowSink,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const inputsFound = await expandInputs(inputs, options.exclude);
  const opts: IngestOptions = { ...options, pool: options.pool ?? createBatchPool() };
  const report = emptyReport();
  const maxSamples = opts.maxSamples ?? 10;
  for (const f of inputsFound) if (f.kind === 'stdin') await ingestStdin(sink, opts, report, maxSamples);
  let queue = inputsFound.filter((f): f is FileInput => f.kind === 'file');
  const workers = opts.workers ?? defaultWorkers();
  const own = opts.parseWorkers === undefined;
  const pool = workers > 0 && queue.length > 0 ? (opts.parseWorkers ?? createParsePool(workers)) : undefined;
  const progress = progressOf(opts, queue, report);
  const yieldSoFar: FileYield = { bytes: 0, flows: 0 };
  const hashes = hashAhead();
  try {
    while (queue.length > 0) {
      const g = await runGroup(queue, sink, opts, pool, Math.max(1, workers), progress, yieldSoFar, hashes);
      let fatal = g.fatal;
      if (fatal === undefined && g.failed.length === 0 && sink.inTransaction) {
        try {
          await sink.commit();
          report.transactions++;
        } catch (e) {
          fatal = { error: e };
        }
      }
      if (fatal !== undefined) {
        try {
          if (sink.inTransaction) await sink.rollback();
        } catch (e) {
          // a store DuckDB has stopped cannot roll back either: the first error says why
          if (!storeFailed(fatal.error)) throw e;
          throw fatal.error;
        }
        // out of memory: with more, the same group is read again (the queue still starts with it)
        const raised = outOfMemory(fatal.error) ? await sink.growMemory?.() : undefined;
        if (raised === undefined) throw fatal.error;
        report.memoryLimit = raised;
        continue;
      }
      if (g.failed.length > 0) {
        if (sink.inTransaction) await sink.rollback();
        for (const f of g.failed) report.failed.push({ path: f.file.path, error: f.error });
        const bad = new Set(g.failed.map((f) => f.file));
        queue = [...g.taken.filter((f) => !bad.has(f)), ...queue.slice(g.taken.length)];
        continue;
      }
      for (const s of g.stats) addStats(report, s, maxSamples);
      report.skippedFiles += g.skipped.length;
      report.skipped.push(...g.skipped);
      queue = queue.slice(g.taken.length);
    }
  } finally {
    if (own) await pool?.close();
  }
  return report;
}

/**
 * The parse workers an ingest of files will use (`IngestOptions.parseWorkers`), started now: a
 * worker takes about 0.2 s to load its modules and the addon, which it can do while the store
 * opens. None when `workers` is 0; the caller closes them.
 */
export function startParseWorkers(workers = defaultWorkers()): ParsePool | undefined {
  return workers > 0 ? createParsePool(workers) : undefined;
}

async function ingestStdin(
  sink: FlowSink,
  opts: IngestOptions,
  report: IngestReport,
  maxSamples: number,
): Promise<void> {
  try {
    const r = await readStdin(sink, opts);
    if (r.kind === 'skipped') {
      report.skippedFiles++;
      report.skipped.push({ path: '-', sameAs: r.sameAs });
      return;
    }
    await sink.commit();
    report.transactions++;
    addStats(report, r.parsed.stats, maxSamples);
  } catch (e) {
    if (sink.inTransaction) await sink.rollback();
    if (!(e instanceof UserError) || storeFailed(e)) throw e;
    report.failed.push({ path: '-', error: e });
  }
}

/**
 * Hashes the next files while the lanes read theirs (the main thread mostly waits on DuckDB), so
 * a lane starts its next file at once: hashing a 10 MB file took ~50 ms, at each lane's every
 * file, and at a transaction's start DuckDB waited for it. Only the hash is early: whether a
 * file was stored before is asked when it is taken, after the files before it are recorded.
 */
interface HashAhead {
  /** the file's hash: the early one, or computed now */
  take(f: FileInput): Promise<string>;
  /** starts hashing these files if not already */
  warm(files: readonly FileInput[]): void;
  /**
   * The path of another file of this run with the same bytes, taken before this one; the store
   * only knows files once they are stored, and two lanes may read the copies side by side.
   */
  claim(path: string, size: number, hash: string): string | undefined;
}

function hashAhead(): HashAhead {
  const ahead = new Map<FileInput, Promise<string>>();
  const claimed = new Map<string, string>();
  return {
    claim(path, size, hash) {
      const key = `${size}:${hash}`;
      const owner = claimed.get(key);
      if (owner !== undefined && owner !== path) return owner; // the same path again: its group is read again
      claimed.set(key, path);
      return undefined;
    },
    take(f) {
      const h = ahead.get(f);
      ahead.delete(f);
      return h ?? hashFile(f.path);
    },
    warm(files) {
      for (const f of files) {
        if (ahead.has(f)) continue;
        const h = hashFile(f.path);
        h.catch(() => {}); // its error is seen when the file is taken
        ahead.set(f, h);
      }
    },
  };
}

/** Flows per byte of the files read so far in a run (file sizes as stored: gzip or not). */
interface FileYield {
  bytes: number;
  flows: number;
}

/**
 * Reads files from the head of the queue into one transaction, `lanes` at a time, until the
 * group is full: its flows, with those expected of the files still being read (their size at
 * the run's flows per byte so far), reach GROUP_FLOWS. Counting only finished files, the lane
 * that finished first took one more file and read it alone while the others waited, and the
 * transaction held half as many flows again: 10 M bench flows peaked at 702 MB RSS, and at
 * 580 MB this way, at the same speed (338 k and 332 k records/s).
 */
async function runGroup(
  queue: readonly FileInput[],
  sink: FlowSink,
  opts: IngestOptions,
  pool: ParsePool | undefined,
  lanes: number,
  progress: Progress,
  seen: FileYield,
  hashes: HashAhead,
): Promise<GroupResult> {
  const g: GroupResult = { stats: [], skipped: [], failed: [], taken: [] };
  let flows = 0;
  const reading = new Set<FileInput>();
  const limit = opts.groupFlows ?? sink.groupFlows?.() ?? GROUP_FLOWS;
  const expected = () => {
    if (seen.bytes === 0) return 0;
    let bytes = 0;
    for (const f of reading) bytes += f.size;
    return (bytes * seen.flows) / seen.bytes;
  };
  await sink.begin();
  const lane = async () => {
    while (
      g.taken.length < queue.length &&
      g.taken.length < GROUP_FILES &&
      flows + expected() < limit &&
      g.failed.length === 0 &&
      g.fatal === undefined
    ) {
      const f = queue[g.taken.length] as FileInput;
      g.taken.push(f);
      reading.add(f);
      hashes.warm(queue.slice(g.taken.length, g.taken.length + lanes));
      try {
        const p = await prepare(f, sink, hashes.take(f));
        const sameAs = p.kind === 'skipped' ? p.sameAs : hashes.claim(f.path, f.size, p.file.hash);
        if (p.kind === 'skipped' || sameAs !== undefined) {
          g.skipped.push({ path: f.path, sameAs: sameAs as string });
          progress(f, f.size, true);
          continue;
        }
        let read = 0;
        const stats = await readOne(p.file, sink, opts, pool, (n) => {
          read += n;
          progress(f, n, false);
        });
        progress(f, Math.max(0, f.size - read), true);
        flows += stats.flows;
        seen.bytes += f.size;
        seen.flows += stats.flows;
        g.stats.push(stats);
      } catch (e) {
        // the other lane may still be appending: record and stop, and let it finish first
        if (e instanceof UserError && !storeFailed(e)) g.failed.push({ file: f, error: e });
        else g.fatal ??= { error: e };
      } finally {
        reading.delete(f);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return g;
}

/** Parquet (and everything, without workers) is read here; text and gzip go to a worker. */
async function readOne(
  p: Prepared,
  sink: FlowSink,
  opts: IngestOptions,
  pool: ParsePool | undefined,
  progress: (n: number) => void,
): Promise<ParseStats> {
  if (pool === undefined || p.container === 'parquet') return (await readHere(p, sink, opts, progress)).stats;
  const id = sink.startFile();
  const stats = await pool.parse(
    {
      path: p.path,
      container: p.container,
      maxSamples: opts.maxSamples ?? 10,
      ...(opts.format === undefined ? {} : { format: opts.format.text }),
    },
    (b) => sink.append(b, id),
  );
  assertFlowLog(p.path, stats);
  sink.endFile(id, { path: p.path, size: p.size, hash: p.hash }, stats.rejected);
  return stats;
}

/** Reports bytes read (raw, as stored on disk) and files finished. */
type Progress = (f: FileInput, bytes: number, finished: boolean) => void;

function progressOf(opts: IngestOptions, files: readonly FileInput[], report: IngestReport): Progress {
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let bytesDone = 0;
  let filesDone = 0;
  return (f, bytes, finished) => {
    bytesDone += bytes;
    if (finished) filesDone++;
    opts.onProgress?.({
      file: f.path,
      filesDone,
      filesTotal: files.length,
      bytesDone,
      bytesTotal,
      flows: report.flows,
    });
  };
}
