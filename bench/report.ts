// What a bench run found, as data (written to .bench-cache/last-run.json) and as the tables it
// prints: per-load figures, each side's min/median/max, the a/b ratio, the query timings.

import type { Check } from './check.js';
import type { QueryTiming } from './queries.js';

export type Side = 'flowsight' | 'duckdb';

export interface LoadResult {
  readonly side: Side;
  readonly pair: number;
  readonly exitCode: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly recordsPerSec: number;
  /** records per CPU second (all threads): steadier than wall time when the machine is shared */
  readonly recordsPerCpuSec: number;
  readonly dbBytes: number;
  readonly bytesPerFlow: number;
  readonly check: Check;
}

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface RunReport {
  readonly at: string;
  readonly machine: {
    readonly cpus: number;
    readonly node: string;
    readonly loadavgBefore: readonly number[];
    readonly loadavgAfter: readonly number[];
  };
  readonly options: Record<string, unknown>;
  readonly dataset: {
    readonly dir: string;
    readonly records: number;
    readonly files: number;
    readonly gzBytes: number;
    readonly ok: number;
    readonly bytes: number;
  };
  readonly baselineSql: string;
  readonly loads: readonly LoadResult[];
  readonly summary: Partial<
    Record<
      Side,
      {
        readonly recordsPerSec: Spread;
        readonly recordsPerCpuSec: Spread;
        readonly peakRssMb: Spread;
        readonly bytesPerFlow: Spread;
        readonly pass: boolean;
      }
    >
  >;
  /** flowsight / duckdb records/s, one value per pair */
  readonly ratio?: Spread & { readonly perPair: readonly number[] };
  readonly ratioCpu?: Spread;
  readonly queries?: {
    readonly flows: number;
    readonly storePassedCheck: boolean;
    readonly scaleMs: number;
    readonly timings: readonly QueryTiming[];
  };
}

export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const median = s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  return { min: s[0] ?? Number.NaN, median, max: s[s.length - 1] ?? Number.NaN };
}

export function summarise(loads: readonly LoadResult[]): Pick<RunReport, 'summary' | 'ratio' | 'ratioCpu'> {
  const summary: RunReport['summary'] = {};
  for (const side of ['flowsight', 'duckdb'] as const) {
    const mine = loads.filter((l) => l.side === side);
    if (mine.length === 0) continue;
    summary[side] = {
      recordsPerSec: spread(mine.map((l) => l.recordsPerSec)),
      recordsPerCpuSec: spread(mine.map((l) => l.recordsPerCpuSec)),
      peakRssMb: spread(mine.map((l) => l.peakRssMb)),
      bytesPerFlow: spread(mine.map((l) => l.bytesPerFlow)),
      pass: mine.every((l) => l.check.pass && l.exitCode === 0),
    };
  }
  const pairs = [...new Set(loads.map((l) => l.pair))];
  const perPair: number[] = [];
  const perPairCpu: number[] = [];
  for (const p of pairs) {
    const a = loads.find((l) => l.pair === p && l.side === 'flowsight');
    const b = loads.find((l) => l.pair === p && l.side === 'duckdb');
    if (a === undefined || b === undefined) continue;
    perPair.push(a.recordsPerSec / b.recordsPerSec);
    perPairCpu.push(a.recordsPerCpuSec / b.recordsPerCpuSec);
  }
  if (perPair.length === 0) return { summary };
  return { summary, ratio: { ...spread(perPair), perPair }, ratioCpu: spread(perPairCpu) };
}

const k = (n: number): string => `${(n / 1000).toFixed(0)} k`;
const f1 = (n: number): string => n.toFixed(1);
const f2 = (n: number): string => n.toFixed(2);

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
}

/** One line per load, as it happens. */
export function loadLine(l: LoadResult): string {
  return (
    `  pair ${l.pair + 1} ${l.side.padEnd(9)} ${f1(l.wallMs / 1000).padStart(6)} s  ${k(l.recordsPerSec).padStart(7)} rec/s  ` +
    `cpu ${f1(l.cpuMs / 1000)} s = ${f1(l.cpuMs / l.wallMs)} cores (${k(l.recordsPerCpuSec)} rec/cpu-s)  peak RSS ${l.peakRssMb.toFixed(0)} MB  ` +
    `${f1(l.bytesPerFlow)} B/flow  ${l.check.pass && l.exitCode === 0 ? 'PASS' : `FAIL ${l.exitCode !== 0 ? `exit ${l.exitCode} ` : ''}${l.check.diffs.join(', ')}`}`
  );
}

/** The final summary: min/median/max per side, the ratio, the queries. */
export function summaryText(r: RunReport): string {
  const out: string[] = [];
  const rows: string[][] = [
    ['', 'records/s (min/med/max)', 'rec/cpu-s (med)', 'peak RSS MB (med/max)', 'B/flow', 'check'],
  ];
  for (const side of ['flowsight', 'duckdb'] as const) {
    const s = r.summary[side];
    if (s === undefined) continue;
    rows.push([
      side === 'flowsight' ? 'a: flowsight ingest' : 'b: duckdb read_csv CTAS',
      `${k(s.recordsPerSec.min)} / ${k(s.recordsPerSec.median)} / ${k(s.recordsPerSec.max)}`,
      k(s.recordsPerCpuSec.median),
      `${s.peakRssMb.median.toFixed(0)} / ${s.peakRssMb.max.toFixed(0)}`,
      f1(s.bytesPerFlow.median),
      s.pass ? 'PASS' : 'FAIL',
    ]);
  }
  out.push(table(rows));
  if (r.ratio !== undefined) {
    out.push(
      `ratio a/b records/s: min ${f2(r.ratio.min)}  median ${f2(r.ratio.median)}  max ${f2(r.ratio.max)}  (pairs: ${r.ratio.perPair.map(f2).join(', ')})`,
    );
  }
  if (r.ratioCpu !== undefined)
    out.push(
      `ratio a/b records per CPU second: median ${f2(r.ratioCpu.median)} (min ${f2(r.ratioCpu.min)}, max ${f2(r.ratioCpu.max)})`,
    );
  if (r.queries !== undefined) {
    out.push(`queries over ${r.queries.flows.toLocaleString('en')} flows (median of 3 warm runs):`);
    out.push(
      table(r.queries.timings.map((t) => [`  ${t.name}`, `${t.medianMs.toFixed(0)} ms`, `${t.rows} rows`])),
    );
  }
  return out.join('\n');
}
