// serve --ingest's store: written and read in one process. A dashboard over a store that loads
// the demo's logs in two goes shows, after each load, what a dashboard over the demo's finished
// store shows for the same range, and forgets the checks it ran before.

import { copyFileSync, mkdirSync, readdirSync, renameSync, utimesSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { tempDir } from '../../test/support/cli.js';
import type { IngestReport } from '../ingest/index.js';
import { raw } from '../sql/index.js';
import { type Dashboard, ingestEvery, type LiveRun, openDashboard, openLiveStore } from './index.js';

const POLICY = resolve(import.meta.dirname, '../../examples/platform/policy.yaml');

function logFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.gz'))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const x of opened.reverse()) await x.close();
});

describe('a dashboard over a store it loads as it serves', () => {
  it('shows each load once it is stored, as a dashboard over the finished store does', async () => {
    const src = join(inject('demoDir'), 'AWSLogs');
    const files = logFiles(src);
    // the first two of the demo's four hours first (keys hold .../yyyy/mm/dd/hh/...)
    const early = files.filter((f) => /\/(00|01)\/[^/]+$/.test(f));
    expect(early.length).toBeGreaterThan(0);
    expect(early.length).toBeLessThan(files.length);
    const dir = tempDir();
    const inbox = join(dir, 'in');
    // each file lands whole, as S3 puts an object: copied beside the folder, then renamed into it
    const staging = join(dir, 'staging');
    mkdirSync(staging);
    const copy = (fs: readonly string[]) => {
      for (const [i, f] of fs.entries()) {
        const to = join(inbox, relative(src, f));
        mkdirSync(resolve(to, '..'), { recursive: true });
        copyFileSync(f, join(staging, String(i)));
        // written a minute ago, as a collector's finished file is: a load whose clock was read
        // before the copy would otherwise see it modified in its future and say it is still being
        // written (settleSeconds 0 reads it at once, but only once its time has come)
        const past = Date.now() / 1000 - 60;
        utimesSync(join(staging, String(i)), past, past);
        renameSync(join(staging, String(i)), to);
      }
    };
    copy(early);

    const db = join(dir, 'live.duckdb');
    const store = await openLiveStore(db);
    opened.push(store);
    const live = await openDashboard({ db, store, policy: POLICY });
    opened.push(live);
    const full = await openDashboard({ db: inject('demoDb'), policy: POLICY });
    opened.push(full);
    expect(live.meta().records).toBe(0);

    const reports: IngestReport[] = [];
    const errors: Error[] = [];
    const unchanged: number[] = [];
    // resolves once a load has stored this many records in all
    let waiting: { records: number; ok: () => void } | undefined;
    const stored = (records: number) => new Promise<void>((ok) => (waiting = { records, ok }));
    const half = stored(1);
    const loop = ingestEvery(
      db,
      store,
      { inputs: [inbox], everySeconds: 0.2, settleSeconds: 0 },
      {
        ran: (r) => {
          if ('error' in r) errors.push(r.error);
          else if (r.run.report !== undefined) reports.push(r.run.report);
          else unchanged.push(r.run.pick.unchanged);
        },
        stored: async () => {
          await live.refresh();
          if (waiting !== undefined && live.meta().records >= waiting.records) waiting.ok();
        },
      },
    );
    opened.push({ close: () => loop.stop() });

    await half;
    const { first } = full.meta();
    const range = { since: first as number, until: (first as number) + 4 * 3600 };
    const summary = async (d: Dashboard) => (await d.findings({ range })).summary;
    expect(reports).toHaveLength(1);
    expect(reports[0]?.files).toBe(early.length);
    expect(live.meta().records).toBeGreaterThan(0);
    expect(live.meta().last).toBeLessThan(full.meta().last as number);
    const halfFindings = await summary(live);

    const whole = stored(full.meta().records);
    copy(files.filter((f) => !early.includes(f)));
    await whole;
    expect(errors).toEqual([]);
    // every file stored once: those of the first load not read again (nor even hashed)
    expect(reports.reduce((a, r) => a + r.files, 0)).toBe(files.length);
    expect(reports.every((r) => r.skippedFiles === 0)).toBe(true);
    // loads that found nothing new said nothing
    expect(unchanged).toEqual([]);
    expect(live.meta()).toMatchObject({ records: full.meta().records, first, last: full.meta().last });
    // the check of the same range ran again over the whole store, not kept from the first load
    expect(await summary(live)).toEqual(await summary(full));
    expect(await summary(live)).not.toEqual(halfFindings);
    const o = { range, by: 'bytes', dimension: 'action', limit: 10, top: [] } as const;
    expect((await live.overview(o)).totals).toEqual((await full.overview(o)).totals);
  });

  it('stores a file once even when it changes after it was stored, and says so once', async () => {
    const [a, b] = logFiles(join(inject('demoDir'), 'AWSLogs'));
    const dir = tempDir();
    const inbox = join(dir, 'in');
    mkdirSync(inbox);
    copyFileSync(a as string, join(inbox, 'a.log.gz'));
    const db = join(dir, 'live.duckdb');
    const store = await openLiveStore(db);
    opened.push(store);
    const records = async () => (await store.query(raw('SELECT count(*) AS n FROM flow_store'))).rows[0]?.n;
    const runs: LiveRun[] = [];
    let next: ((r: LiveRun) => void) | undefined;
    const ran = () => new Promise<LiveRun>((ok) => (next = ok));
    let first = ran();
    const loop = ingestEvery(
      db,
      store,
      { inputs: [inbox], everySeconds: 0.1, settleSeconds: 0 },
      {
        ran: (r) => {
          if ('error' in r) throw r.error;
          runs.push(r.run);
          next?.(r.run);
        },
        stored: async () => {},
      },
    );
    opened.push({ close: () => loop.stop() });
    expect((await first).report?.files).toBe(1);
    const once = await records();
    expect(once).toBeGreaterThan(0n);

    // the same path, other bytes: not stored again, said once
    first = ran();
    copyFileSync(b as string, join(inbox, 'a.log.gz'));
    const changed = await first;
    expect(changed.pick.changed).toEqual([join(inbox, 'a.log.gz')]);
    expect(changed.report).toBeUndefined();
    expect(await records()).toBe(once);

    // the same bytes under a new name are new to the loop and are stored
    first = ran();
    copyFileSync(b as string, join(inbox, 'b.log.gz'));
    expect((await first).report?.files).toBe(1);
    expect(await records()).toBeGreaterThan(once as bigint);
    expect(runs.filter((r) => r.pick.changed.length > 0)).toHaveLength(1);
  });

  it('reads no file through SQL, on the store and on the connections the dashboard reads it by', async () => {
    const store = await openLiveStore(join(tempDir(), 'closed.duckdb'));
    const view = await store.sibling();
    try {
      for (const e of [store, view]) {
        await expect(e.query(raw(`SELECT * FROM read_csv('${import.meta.filename}')`))).rejects.toThrow(
          /disabled/i,
        );
        expect((await e.query(raw('SELECT count(*) AS n FROM flow_store'))).rows[0]?.n).toBe(0n);
      }
    } finally {
      await view.close();
      await store.close();
    }
  });
});
