// `npm run bench`: flowsight ingest against DuckDB's typed read_csv CTAS on the same cached
// dataset, in alternating pairs of fresh databases, each load a separate process; then query
// timings on a flowsight store scaled up. Prints the figures and writes .bench-cache/last-run.json.
// Never part of `npm test`. Options: bench/README.md.

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BaselineMode, baselineSql, baselineStatusColumn, runBaseline } from './baseline-duckdb.js';
import { checkTotals, dbBytes } from './check.js';
import { type Dataset, ensureDataset } from './dataset.js';
import { scaleStore, timeQueries } from './queries.js';
import { type LoadResult, loadLine, type RunReport, type Side, summarise, summaryText } from './report.js';
import { type Measured, spawnMeasured } from './spawn.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.bench-cache');
const THREADS = availableParallelism(); // flowsight's DuckDB uses every core; the baseline gets as many
/** flowsight sets this for its own loads; the baseline gets the same, so only the reader differs */
const BASELINE_SETTINGS = { preserve_insertion_order: 'false' };
const log = (s: string): void => void process.stdout.write(`${s}\n`);

const USAGE = `usage: npm run bench -- [--records N] [--seed N] [--pairs N] [--query-scale N] [--keep] [--only flowsight|duckdb] [--baseline split|union]`;

function options() {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000000' },
      seed: { type: 'string', default: '1' },
      pairs: { type: 'string', default: '3' },
      'query-scale': { type: 'string', default: '100000000' },
      keep: { type: 'boolean', default: false },
      only: { type: 'string' },
      baseline: { type: 'string', default: 'split' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got '${v}'\n${USAGE}`);
    return n;
  };
  if (values.only !== undefined && values.only !== 'flowsight' && values.only !== 'duckdb')
    throw new Error(`--only takes flowsight or duckdb\n${USAGE}`);
  if (values.baseline !== 'split' && values.baseline !== 'union')
    throw new Error(`--baseline takes split or union\n${USAGE}`);
  return {
    records: int('records', values.records, 1),
    seed: int('seed', values.seed, 0),
    pairs: int('pairs', values.pairs, 1),
    queryScale: int('query-scale', values['query-scale'], 0),
    keep: values.keep,
    sides: (values.only === undefined ? ['flowsight', 'duckdb'] : [values.only]) as Side[],
    baseline: values.baseline as BaselineMode,
  };
}

type Options = ReturnType<typeof options>;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ when any source is newer than it, then snapshots it, so every load of the run
 * measures one build even if someone rebuilds dist/ meanwhile. The snapshot sits inside the repo
 * (.bench-cache/), where it still resolves node_modules. Returns the snapshot's cli/main.js.
 */
async function builtCli(): Promise<string> {
  const built = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(ROOT, 'src'))) build();
  const snapshot = join(CACHE, `dist-${process.pid}`);
  await cp(join(ROOT, 'dist'), snapshot, { recursive: true });
  return join(snapshot, 'cli', 'main.js');
}

function build(): void {
  log('dist/ is stale: building (tsc -p tsconfig.build.json)');
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (r.status !== 0)
    throw new Error('the build failed: fix it (or measure an older dist/ by hand), then run the bench again');
}

/** Reads every dataset file once, so neither side pays for the first read from disk. */
async function warmCache(dir: string): Promise<void> {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    for await (const _ of createReadStream(join(e.parentPath, e.name), { highWaterMark: 1 << 20 }));
  }
}

/** flowsight's own summary: lines it rejected would explain a failed check. */
function reportRejects(stdout: string): void {
  try {
    const s = JSON.parse(stdout) as {
      rejected?: number;
      rejectedByReason?: Record<string, number>;
      samples?: unknown[];
    };
    if ((s.rejected ?? 0) > 0)
      log(
        `  flowsight rejected ${s.rejected} lines: ${JSON.stringify(s.rejectedByReason)} e.g. ${JSON.stringify(s.samples?.[0])}`,
      );
  } catch {
    log(`  flowsight's --json summary did not parse: ${stdout.slice(0, 200)}`);
  }
}

/** What every load of a run shares. */
interface Run {
  readonly o: Options;
  readonly ds: Dataset;
  /** the temp folder for databases */
  readonly tmp: string;
  /** the snapshot of the built CLI, when flowsight is measured */
  readonly cli: string | undefined;
}

async function load(
  side: Side,
  pair: number,
  { o, ds, tmp, cli }: Run,
): Promise<{ result: LoadResult; db: string }> {
  const db = join(tmp, `${side}-${pair + 1}.duckdb`);
  let m: Measured;
  if (side === 'flowsight')
    m = await spawnMeasured(['flowsight', cli as string, 'ingest', ds.awsLogs, '--db', db, '--json'], ROOT);
  else
    m = await runBaseline(ds, { db, threads: THREADS, mode: o.baseline, settings: BASELINE_SETTINGS }, ROOT);
  if (m.exitCode !== 0) log(`  ${side} exited ${m.exitCode}:\n${m.stdout.slice(-2000)}${m.stderr}`);
  if (side === 'flowsight') reportRejects(m.stdout);
  const check = existsSync(db)
    ? side === 'flowsight'
      ? await checkTotals(db, 'flow_store', 'log_status', ds.manifest)
      : await checkTotals(db, 'flows', baselineStatusColumn(o.baseline), ds.manifest)
    : {
        pass: false,
        got: { flows: 0, ok: 0, bytes: 0, packets: 0 },
        want: { flows: 0, ok: 0, bytes: 0, packets: 0 },
        diffs: ['no database written'],
      };
  const size = existsSync(db) ? dbBytes(db) : 0;
  const records = ds.manifest.totals.records;
  const result: LoadResult = {
    side,
    pair,
    exitCode: m.exitCode,
    wallMs: m.wallMs,
    cpuMs: m.cpuMs,
    peakRssMb: m.peakRssMb,
    recordsPerSec: records / (m.wallMs / 1000),
    recordsPerCpuSec: records / (m.cpuMs / 1000),
    dbBytes: size,
    bytesPerFlow: check.got.flows > 0 ? size / check.got.flows : Number.NaN,
    check,
  };
  log(loadLine(result));
  return { result, db };
}

/** The alternating pairs; keeps one flowsight store for the queries (the first that passed its check, else the first that loaded). */
async function runPairs(
  run: Run,
): Promise<{ loads: LoadResult[]; store: { db: string; pass: boolean } | undefined }> {
  const { o } = run;
  const loads: LoadResult[] = [];
  let store: { db: string; pass: boolean } | undefined;
  for (let pair = 0; pair < o.pairs; pair++) {
    const order = pair % 2 === 0 ? o.sides : [...o.sides].reverse(); // alternate who goes first
    for (const side of order) {
      const { result, db } = await load(side, pair, run);
      loads.push(result);
      const usable = side === 'flowsight' && result.exitCode === 0 && result.check.got.flows > 0;
      if (usable && (store === undefined || (!store.pass && result.check.pass))) {
        if (store !== undefined && !o.keep) await rm(store.db, { force: true });
        store = { db, pass: result.check.pass };
      } else if (!o.keep) await rm(db, { force: true });
    }
  }
  return { loads, store };
}

async function main(): Promise<number> {
  const o = options();
  const loadBefore = loadavg();
  if ((loadBefore[0] ?? 0) > THREADS * 0.5) {
    log(
      `warning: load average ${loadBefore[0]?.toFixed(1)} on ${THREADS} cores: other work competes, wall times will be noisy (see rec/cpu-s)`,
    );
  }
  await mkdir(CACHE, { recursive: true });
  const cli = o.sides.includes('flowsight') ? await builtCli() : undefined;
  const tmp = await mkdtemp(join(tmpdir(), 'flowsight-bench-'));
  try {
    const ds = await ensureDataset(CACHE, o.records, o.seed, log);
    await warmCache(ds.awsLogs);
    const { totals } = ds.manifest;
    log(
      `loading ${totals.records.toLocaleString('en')} records (${totals.files} files) ${o.pairs}x ${o.sides.join(' and ')}, ${THREADS} threads; databases in ${tmp}`,
    );
    const { loads, store } = await runPairs({ o, ds, tmp, cli });
    if (o.queryScale > 0 && store === undefined)
      log('queries skipped: they need a flowsight store that loaded');
    if (o.queryScale > 0 && store?.pass === false)
      log('warning: timing queries on a flowsight store that FAILED its check');
    const queries = o.queryScale > 0 && store !== undefined ? await runQueries(store, o, tmp) : undefined;
    const report: RunReport = {
      at: new Date().toISOString(),
      machine: { cpus: THREADS, node: process.version, loadavgBefore: loadBefore, loadavgAfter: loadavg() },
      options: { ...o, threads: THREADS, baselineSettings: BASELINE_SETTINGS },
      dataset: {
        dir: ds.dir,
        records: totals.records,
        files: totals.files,
        gzBytes: totals.gzBytes,
        ok: totals.ok,
        bytes: totals.bytes,
      },
      baselineSql: baselineSql(ds, o.baseline),
      loads,
      ...summarise(loads),
      ...(queries === undefined ? {} : { queries }),
    };
    log(`\n${summaryText(report)}`);
    await writeFile(join(CACHE, 'last-run.json'), `${JSON.stringify(report, null, 1)}\n`);
    log(`\nwritten: ${join(CACHE, 'last-run.json')}${o.keep ? `; databases kept in ${tmp}` : ''}`);
    return loads.every((l) => l.check.pass && l.exitCode === 0) ? 0 : 1;
  } finally {
    if (!o.keep) await rm(tmp, { recursive: true, force: true });
    if (cli !== undefined) await rm(join(cli, '..', '..'), { recursive: true, force: true });
  }
}

async function runQueries(
  store: { db: string; pass: boolean },
  o: Options,
  tmp: string,
): Promise<NonNullable<RunReport['queries']>> {
  const scaled = join(tmp, 'scaled.duckdb');
  log(
    `scaling a flowsight store to ${o.queryScale.toLocaleString('en')} flows (copies shifted by whole days) in ${scaled}`,
  );
  const started = performance.now();
  const flows = await scaleStore(store.db, scaled, o.queryScale, THREADS, log);
  const scaleMs = performance.now() - started;
  const timings = await timeQueries(scaled);
  for (const t of timings)
    log(
      `  ${t.name}: ${t.medianMs.toFixed(0)} ms (runs ${t.runsMs.map((x) => x.toFixed(0)).join(', ')}; ${t.rows} rows; first ${t.first.slice(0, 100)})`,
    );
  if (!o.keep) await rm(scaled, { force: true });
  return { flows, storePassedCheck: store.pass, scaleMs, timings };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
