// A store the dashboard serves while new flow logs are loaded into it, in one process: DuckDB lets
// one process write a store only while no other has it open, so `flowsight serve --ingest` holds
// it for writing (file access off, as for any store the dashboard serves), loads the inputs now
// and again at an interval (each file once, after it has stopped changing: live-files.ts), and
// has the dashboard read its span again after each run that stored flows.

import { DuckdbEngine } from '../engine/index.js';
import type { UserError } from '../errors.js';
import type { IngestReport } from '../ingest/index.js';
import { runIngest } from './app.js';
import { LiveFiles, type LivePick } from './live-files.js';

/**
 * DuckDB's memory for a store written and queried by one process: the views' and the check's
 * queries share it with the loads (a dashboard alone runs with DuckDB's default, 80% of memory).
 */
export const LIVE_MEMORY_LIMIT = '2GB';

export interface LiveIngest {
  readonly inputs: readonly string[];
  /** seconds between the end of one run and the start of the next */
  readonly everySeconds: number;
  /** the flow log's format, for input without a header line */
  readonly format?: string;
  readonly workers?: number;
  /** seconds a file must have gone unmodified before it is read (default SETTLE_SECONDS) */
  readonly settleSeconds?: number;
}

/** One load: what it found (`pick`) and, when there were files to read, what it stored. */
export interface LiveRun {
  readonly pick: LivePick;
  readonly report?: IngestReport;
}

/** The store, opened for writing with file access off. */
export function openLiveStore(db: string): Promise<DuckdbEngine> {
  return DuckdbEngine.open({ path: db, readOnly: false, memoryLimit: LIVE_MEMORY_LIMIT, noFileAccess: true });
}

export interface IngestLoop {
  /** waits for a run under way to end; no run starts after */
  stop(): Promise<void>;
}

/**
 * Loads `live.inputs` into `store` now and every `live.everySeconds` after a run ends (runs never
 * overlap), each file once it has settled (LiveFiles). After each run that found something to
 * say: `ran` with what it found and stored, or its error (a failed run is tried again at the next
 * interval); `stored` after a run that stored flows, awaited before the next.
 */
export function ingestEvery(
  db: string,
  store: DuckdbEngine,
  live: LiveIngest,
  hooks: {
    readonly ran: (r: { run: LiveRun } | { error: UserError | Error }) => void;
    readonly stored: () => Promise<void>;
  },
): IngestLoop {
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const files = new LiveFiles(live.inputs, [db, `${db}.wal`], live.settleSeconds);
  const once = async () => {
    try {
      const pick = await files.pick(Date.now());
      if (pick.read.length === 0) {
        if (pick.waiting.length > 0 || pick.changed.length > 0) hooks.ran({ run: { pick } });
        return;
      }
      const report = await runIngest(
        { db },
        {
          inputs: pick.read,
          ...(live.format === undefined ? {} : { format: live.format }),
          ...(live.workers === undefined ? {} : { workers: live.workers }),
        },
        store,
      );
      files.done(report.failed.map((f) => f.path));
      hooks.ran({ run: { pick, report } });
      if (report.flows > 0) await hooks.stored();
    } catch (e) {
      hooks.ran({ error: e as Error });
    }
  };
  const loop = (async () => {
    while (!stopping) {
      await once();
      if (stopping) break;
      await new Promise<void>((ok) => {
        wake = ok;
        timer = setTimeout(ok, live.everySeconds * 1000);
      });
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
