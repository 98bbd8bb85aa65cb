// The demo: generate a seeded platform's flow logs into a folder (or reuse the same run's),
// ingest them, and check the store's totals against the generator's own truth.json.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoOptions, type DemoProgress, type Truth, writeDemo } from '../demo/index.js';
import { DuckdbEngine } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { IngestProgress, IngestReport } from '../ingest/index.js';
import { raw } from '../sql/index.js';
import { type AppConfig, runIngest } from './app.js';
import { checkDemo } from './demo-check.js';

export interface DemoRequest {
  readonly out: string;
  readonly options: DemoOptions;
  readonly onGenerate?: (p: DemoProgress) => void;
  readonly onIngest?: (p: IngestProgress) => void;
}

export interface StoreTotals {
  readonly records: number;
  readonly flows: number;
  readonly bytes: number;
  readonly packets: number;
  readonly accept: number;
  readonly reject: number;
  readonly tgw: number;
}

export interface DemoResult {
  readonly reused: boolean;
  readonly truth: Truth;
  readonly report: IngestReport;
  readonly store: StoreTotals;
  /** differences between the store and truth.json; empty when they agree */
  readonly mismatches: readonly string[];
  /** examples/platform/policy.yaml checked over the run, and how its findings compare with truth.json */
  readonly check: Awaited<ReturnType<typeof checkDemo>>;
}

function sameRun(t: Truth, o: DemoOptions): boolean {
  return (
    t.generator.seed === o.seed &&
    t.generator.hours === (o.hours ?? 24) &&
    t.generator.flows === (o.flows ?? 1_000_000)
  );
}

async function generateOrReuse(req: DemoRequest): Promise<{ truth: Truth; reused: boolean }> {
  const truthPath = join(req.out, 'truth.json');
  if (existsSync(truthPath)) {
    const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Truth;
    if (sameRun(truth, req.options)) return { truth, reused: true };
    throw new UserError(
      'demo.exists',
      `${req.out} holds a demo made with other options (seed ${truth.generator.seed}, ${truth.generator.hours} h, ${truth.generator.flows} flows)`,
      {
        hint: 'choose another --out folder, or delete this one',
      },
    );
  }
  return { truth: (await writeDemo(req.out, req.options, req.onGenerate)).truth, reused: false };
}

/** Totals over the whole store, counted the way truth.json counts them. */
export async function storeTotals(db: string): Promise<StoreTotals> {
  const engine = await DuckdbEngine.open({ path: db, readOnly: true });
  try {
    const r = await engine.query(
      raw(`SELECT count(*) AS records, count(*) FILTER (WHERE log_status = 'OK') AS flows,
        coalesce(sum(bytes), 0) AS bytes, coalesce(sum(packets), 0) AS packets,
        count(*) FILTER (WHERE action = 'ACCEPT') AS accept, count(*) FILTER (WHERE action = 'REJECT') AS reject,
        count(*) FILTER (WHERE kind = 'tgw') AS tgw FROM flow_store`),
    );
    const row = r.rows[0] ?? {};
    const n = (k: string) => Number(row[k] ?? 0);
    return {
      records: n('records'),
      flows: n('flows'),
      bytes: n('bytes'),
      packets: n('packets'),
      accept: n('accept'),
      reject: n('reject'),
      tgw: n('tgw'),
    };
  } finally {
    await engine.close();
  }
}

function compare(t: Truth, s: StoreTotals): string[] {
  const pairs: [string, number, number][] = [
    ['records', t.totals.records, s.records],
    ['flows', t.totals.flows, s.flows],
    ['bytes', t.totals.bytes, s.bytes],
    ['packets', t.totals.packets, s.packets],
    ['ACCEPT flows', t.totals.byAction.ACCEPT, s.accept],
    ['REJECT flows', t.totals.byAction.REJECT, s.reject],
    ['TGW records', t.totals.byKind.tgw, s.tgw],
  ];
  return pairs
    .filter(([, a, b]) => a !== b)
    .map(([k, a, b]) => `${k}: truth.json says ${a}, the store holds ${b}`);
}

export async function runDemo(cfg: AppConfig, req: DemoRequest): Promise<DemoResult> {
  const { truth, reused } = await generateOrReuse(req);
  const report = await runIngest(cfg, {
    inputs: [join(req.out, 'AWSLogs')],
    ...(req.onIngest ? { onProgress: req.onIngest } : {}),
  });
  const store = await storeTotals(cfg.db);
  const check = await checkDemo(cfg.db, truth, (cfg.now ?? (() => new Date()))());
  return { reused, truth, report, store, mismatches: compare(truth, store), check };
}
