// The composition root: picks and creates the engine and the ingest pipeline, and wires them.
// Surfaces (cli, server) call these and nothing deeper.

import type { Readable } from 'node:stream';
import { type FlowListQuery, flowList, type TopQuery, topTalkers } from '../analyses/index.js';
import { DuckdbEngine, type QueryResult, WRITER_MEMORY_STEPS } from '../engine/index.js';
import { UserError } from '../errors.js';

export { WRITER_MEMORY_STEPS } from '../engine/index.js';

import { filterToSql } from '../filter/index.js';
import {
  type FlowSink,
  type IngestProgress,
  type IngestReport,
  ingest,
  nativeReorderStage,
  parseFormat,
  startParseWorkers,
} from '../ingest/index.js';
import { hourlyTable, hourlyUpkeep, overlappingHours, writtenInOrder } from '../policy/index.js';

export interface AppConfig {
  /** the DuckDB store file */
  readonly db: string;
  readonly now?: () => Date;
}

export interface IngestRequest {
  readonly inputs: readonly string[];
  readonly format?: string;
  readonly stdin?: Readable;
  /** parse worker threads (0: parse on the main thread) */
  readonly workers?: number;
  /**
   * DuckDB's memory limit while loading: one ('512MB'), or limits to climb, the next taken each
   * time a transaction runs out (default WRITER_MEMORY_STEPS)
   */
  readonly memoryLimit?: string | readonly string[];
  readonly onProgress?: (p: IngestProgress) => void;
  /** flows per transaction, about (IngestOptions.groupFlows) */
  readonly groupFlows?: number;
}

export async function runIngest(
  cfg: AppConfig,
  req: IngestRequest,
  /** a writable engine on cfg.db to load through, kept open (its memory limit as it is); default: one of its own */
  store?: DuckdbEngine,
): Promise<IngestReport> {
  const format = req.format === undefined ? undefined : parseFormat(req.format, '--format');
  // On an engine of its own, DuckDB loads on one thread (loadThreads): its INSERTs run one at a
  // time, and with two threads the connection's thread spun on DuckDB's task queue while the other
  // ran them (3.9 of 28 CPU-s for the 10 M bench); one thread also holds less memory (50 000 NAT'd
  // flows ran out of 16 MB with two, 400 000 load in it with one). The hourly rows and the
  // compaction get every thread. A store given (serve --ingest) is left as it is: its dashboard
  // queries share the threads.
  const threads = store === undefined ? loadThreads() : undefined;
  const steps =
    store !== undefined
      ? []
      : typeof req.memoryLimit === 'string'
        ? [req.memoryLimit]
        : [...(req.memoryLimit ?? WRITER_MEMORY_STEPS)];
  // the parse workers boot (their modules and the addon, ~0.2 s) while the store opens
  const parseWorkers = req.inputs.some((i) => i !== '-') ? startParseWorkers(req.workers) : undefined;
  let engine: DuckdbEngine;
  try {
    engine =
      store ??
      (await DuckdbEngine.open({
        path: cfg.db,
        readOnly: false,
        memoryLimit: steps.shift() as string,
      }));
  } catch (e) {
    await parseWorkers?.close();
    throw e;
  }
  try {
    await prepareStore(engine);
    const before = num((await engine.query(hourlyUpkeep.lastHour())).rows[0]?.hour);
    const spans: [number, number][] = [];
    const keeper = new HourlyKeeper();
    /** DuckDB's threads: the load's, or every one (the hourly rows, the compaction) */
    const loading = async (on: boolean) => {
      if (threads !== undefined) await engine.setThreads(on ? threads : undefined);
    };
    await loading(true);
    const writer = await engine.writer({
      reorder: nativeReorderStage(),
      beforeCommit: async (a, b) => {
        await loading(false);
        const kept = await keeper.keep(engine, a, b);
        await loading(true);
        if (kept !== null) spans.push(kept);
      },
    });
    const now = cfg.now ?? (() => new Date());
    const sink: FlowSink = {
      findIngested: (size, hash) => writer.findIngested(size, hash),
      get inTransaction() {
        return writer.inTransaction;
      },
      begin: () => writer.begin(),
      startFile: () => writer.startFile(),
      append: (b, id) => writer.append(b, id),
      endFile: (id, file, rejected) => {
        writer.endFile(id, file, rejected);
      },
      commit: async () => {
        await writer.commit(now());
      },
      rollback: () => writer.rollback(),
      groupFlows: () => keeper.transactionFlows(),
      growMemory: async () => {
        const next = steps.shift();
        if (next !== undefined) await writer.setMemoryLimit(next);
        return next;
      },
    };
    let report: IngestReport;
    try {
      report = await ingest(req.inputs, sink, {
        exclude: [cfg.db, `${cfg.db}.wal`],
        ...(req.workers === undefined ? {} : { workers: req.workers }),
        ...(format === undefined ? {} : { format }),
        ...(req.stdin === undefined ? {} : { stdin: req.stdin }),
        ...(req.onProgress === undefined ? {} : { onProgress: req.onProgress }),
        ...(req.groupFlows === undefined ? {} : { groupFlows: req.groupFlows }),
        ...(parseWorkers === undefined ? {} : { parseWorkers }),
      });
    } finally {
      // the run's staging memory goes now, not with the engine (a live store's lives on)
      if (writer.inTransaction) await writer.rollback();
      await writer.release();
      await parseWorkers?.close(); // before the compaction: their memory goes now
      await loading(false);
    }
    // hours written by several transactions hold a row per transaction and key: merge them
    for (const [a, b] of overlappingHours(spans, before))
      await engine.transaction(hourlyUpkeep.compact(a, b));
    return report;
  } finally {
    await parseWorkers?.close();
    if (store === undefined) await engine.close();
  }
}

/** DuckDB's threads while an ingest loads flows: FLOWSIGHT_LOAD_THREADS, default 1. */
export function loadThreads(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.FLOWSIGHT_LOAD_THREADS;
  if (v === undefined || v.trim() === '') return 1;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UserError(
      'config.load-threads',
      `FLOWSIGHT_LOAD_THREADS must be a whole number >= 1, got '${v}'`,
      {
        hint: 'unset it to load on one DuckDB thread (the default, and the fastest measured), or set e.g. FLOWSIGHT_LOAD_THREADS=2',
      },
    );
  return n;
}

/**
 * Whether a transaction's hourly rows are kept: only where they sum the flows up (at most
 * KEEP_RATIO rows per flow). Traffic that repeats, the same endpoints on the same service
 * minute after minute, makes about one row per 4.5 flows (the demo platform); flows that
 * never repeat would make a row each, costing a quarter more ingest time and as much disk as
 * the flows for no faster check. After a transaction whose rows were not kept, the next
 * PROBE_EVERY - 1 are not grouped at all. The check reads the hours the table holds whole and
 * groups the others' flows itself.
 *
 * The estimate reads the first PROBE_SHARE of the transaction's files: about the 0.5 M flows a
 * transaction held when these ratios were set. Over a whole 2 M-flow transaction it took 0.5-0.7
 * s, while the parse worker waited (a tenth of a 10 M bench ingest that keeps no rows).
 */
class HourlyKeeper {
  static readonly KEEP_RATIO = 0.5;
  /** every 4 M flows, as when transactions held 0.5 M and it was every 8th */
  static readonly PROBE_EVERY = 2;
  static readonly PROBE_SHARE = 0.25;
  /** an estimate above this many rows per flow is not staged at all (HyperLogLog is off by a few percent) */
  static readonly SKIP_ESTIMATE = 0.7;
  private skip = 0;
  /** the last transaction's rows were kept: the next one's very likely pay too */
  private keeping = false;
  /** a transaction's rows were looked at: none before the first one */
  private probed = false;

  /**
   * Flows per transaction: grouping a transaction's rows holds them in memory, about 2 M flows
   * of the demo platform ran out of the writer's first 96 MB (0.5 M did not), and the run then
   * read them again at 128 MB. So 0.5 M while rows are kept, and for the first transaction,
   * until it is known whether they are; the ingest's default (2 M) once they are not.
   */
  transactionFlows(): number | undefined {
    return !this.probed || this.keeping ? HourlyKeeper.KEPT_TRANSACTION_FLOWS : undefined;
  }
  static readonly KEPT_TRANSACTION_FLOWS = 500_000;

  /**
   * Stages a transaction's rows and keeps them if they pay; the hours kept, or null. Unless the
   * last transaction's rows were kept, the rows are first estimated, and not staged when they
   * clearly would not pay.
   */
  async keep(engine: DuckdbEngine, firstFile: number, lastFile: number): Promise<[number, number] | null> {
    if (this.skip > 0) {
      this.skip--;
      return null;
    }
    const files = { first: firstFile, last: lastFile };
    this.probed = true;
    if (!this.keeping) {
      const probe = {
        first: firstFile,
        last: firstFile + Math.max(1, Math.ceil((lastFile - firstFile + 1) * HourlyKeeper.PROBE_SHARE)) - 1,
      };
      const [e] = (await engine.query(hourlyTable.estimate(probe))).rows;
      if (Number(e?.rows ?? 0) > HourlyKeeper.SKIP_ESTIMATE * Number(e?.flows ?? 0)) {
        this.skip = HourlyKeeper.PROBE_EVERY - 1;
        return null;
      }
    }
    await engine.query(hourlyTable.stage(files));
    const staged = await HourlyKeeper.staged(engine);
    if (staged.worth) for (const q of writtenInOrder(hourlyTable.keep())) await engine.query(q);
    else this.skip = HourlyKeeper.PROBE_EVERY - 1;
    this.keeping = staged.worth;
    await engine.query(hourlyTable.unstage());
    return staged.worth ? staged.hours : null;
  }

  /** Whether the staged rows sum their flows up well enough, and the hours they cover. */
  static async staged(engine: DuckdbEngine): Promise<{ worth: boolean; hours: [number, number] | null }> {
    const [r] = (await engine.query(hourlyTable.staged())).rows;
    const [first, last] = [num(r?.first_hour), num(r?.last_hour)];
    return {
      worth: Number(r?.rows ?? 0) <= HourlyKeeper.KEEP_RATIO * Number(r?.flows ?? 0),
      hours: first === null || last === null ? null : [first, last],
    };
  }
}

/**
 * What a writable store keeps beside its flows: the policy check's hourly rows, which every
 * ingest transaction adds to; a store from before them gets them from its flows once (if they
 * sum its flows up well; else it starts empty). A table from before 64-bit minute masks gets them.
 */
async function prepareStore(engine: DuckdbEngine): Promise<void> {
  if ((await engine.query(hourlyTable.exists())).rows.length > 0) {
    if ((await engine.query(hourlyTable.wideMinutes())).rows.length > 0)
      await engine.query(hourlyTable.narrowMinutes());
    return;
  }
  await engine.query(hourlyTable.stage());
  for (const q of writtenInOrder(hourlyTable.create((await HourlyKeeper.staged(engine)).worth)))
    await engine.query(q);
  await engine.query(hourlyTable.unstage());
}

/** Brings a store to this flowsight's layout without ingesting anything (as any ingest would). */
export async function upgradeStore(cfg: AppConfig): Promise<void> {
  const engine = await DuckdbEngine.open({ path: cfg.db, readOnly: false });
  try {
    await prepareStore(engine);
  } finally {
    await engine.close();
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function withReader<T>(cfg: AppConfig, f: (e: DuckdbEngine) => Promise<T>): Promise<T> {
  const engine = await DuckdbEngine.open({ path: cfg.db, readOnly: true });
  try {
    return await f(engine);
  } finally {
    await engine.close();
  }
}

export interface AnalysisRequest {
  readonly filter?: string;
}

export function runTop(cfg: AppConfig, q: Omit<TopQuery, 'where'> & AnalysisRequest): Promise<QueryResult> {
  const node = topTalkers({ ...q, ...(q.filter ? { where: filterToSql(q.filter) } : {}) });
  return withReader(cfg, (e) => e.query(node));
}

export function runFlows(
  cfg: AppConfig,
  q: Omit<FlowListQuery, 'where'> & AnalysisRequest,
): Promise<QueryResult> {
  const node = flowList({ ...q, ...(q.filter ? { where: filterToSql(q.filter) } : {}) });
  return withReader(cfg, (e) => e.query(node));
}

export function runSql(cfg: AppConfig, text: string): Promise<QueryResult & { types: readonly string[] }> {
  return withReader(cfg, (e) => e.userQuery(text));
}
