// How fast `flowsight check` judges a store: examples/platform/policy.yaml over the demo
// platform's flows (the data the policy was written for, with its planted violations).
//
//   npx tsx bench/policy-check.ts                      # 10 M flows over 24 h, seed 1, 3 timed runs
//   npx tsx bench/policy-check.ts --flows 1000000 --runs 5
//
// The demo data is generated once into .bench-cache/policy-check-<flows>-<seed>/ and ingested
// there hour by hour (a cached store is reused). Each run is runCheck (what the CLI calls) on a
// read-only engine, open to close; the figure is the best run and the median, with the load
// average, since the machine may be shared. Never part of `npm test`.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXAMPLE_POLICY, runCheck, runIngest, upgradeStore } from '../src/app/index.js';
import { type Truth, writeDemo } from '../src/demo/index.js';

const ROOT = resolve(import.meta.dirname, '..');

function options(): { flows: number; seed: number; hours: number; runs: number } {
  const { values } = parseArgs({
    options: {
      flows: { type: 'string', default: '10000000' },
      seed: { type: 'string', default: '1' },
      hours: { type: 'string', default: '24' },
      runs: { type: 'string', default: '3' },
    },
  });
  return {
    flows: Number(values.flows),
    seed: Number(values.seed),
    hours: Number(values.hours),
    runs: Number(values.runs),
  };
}

/** The demo's files and its store, generated and ingested once per (flows, seed, hours). */
async function ensureStore(o: {
  flows: number;
  seed: number;
  hours: number;
}): Promise<{ db: string; truth: Truth }> {
  const dir = join(ROOT, '.bench-cache', `policy-check-${o.flows}-${o.seed}-${o.hours}h`);
  const db = join(dir, 'store.duckdb');
  const done = join(dir, 'truth.json');
  if (!existsSync(done)) {
    await mkdir(dir, { recursive: true });
    const started = performance.now();
    console.log(`generating ${o.flows.toLocaleString('en')} demo flows into ${dir} ...`);
    await writeDemo(dir, { seed: o.seed, flows: o.flows, hours: o.hours });
    console.log(`  ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const truth = JSON.parse(readFileSync(done, 'utf8')) as Truth;
  if (!existsSync(db)) {
    // hour by hour: each ingest is its own run, so one hour's files are one set of transactions
    const started = performance.now();
    const hours = new Set<string>();
    for (const account of await readdir(join(dir, 'AWSLogs'))) {
      const days = join(dir, 'AWSLogs', account, 'vpcflowlogs', 'eu-west-2');
      for (const y of await readdir(days))
        for (const m of await readdir(join(days, y)))
          for (const d of await readdir(join(days, y, m))) {
            for (const h of await readdir(join(days, y, m, d))) hours.add(`${y}/${m}/${d}/${h}`);
          }
    }
    for (const h of [...hours].sort()) {
      await runIngest(
        { db },
        { inputs: [join(dir, 'AWSLogs', '*', 'vpcflowlogs', 'eu-west-2', h, '*.log.gz')] },
      );
    }
    console.log(`ingested in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  // a store cached by an older flowsight gets what this one keeps beside the flows
  await upgradeStore({ db });
  return { db, truth };
}

async function main(): Promise<void> {
  const o = options();
  const { db, truth } = await ensureStore(o);
  const range = {
    since: Date.parse(truth.generator.start) / 1000,
    until: Date.parse(truth.generator.end) / 1000,
  };
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof runCheck>> | undefined;
  const loadBefore = loadavg();
  for (let i = 0; i < o.runs; i++) {
    const started = performance.now();
    last = await runCheck({ db, policy: EXAMPLE_POLICY, ...range, now: new Date() });
    times.push(performance.now() - started);
    console.log(`run ${i + 1}: ${(times[i] as number).toFixed(0)} ms`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const s = last?.summary;
  console.log(
    `\nflowsight check, examples/platform/policy.yaml over ${s?.flows.toLocaleString('en')} flows (${s?.records.toLocaleString('en')} records)`,
  );
  console.log(
    `  best ${(sorted[0] as number).toFixed(0)} ms, median ${(sorted[sorted.length >> 1] as number).toFixed(0)} ms over ${o.runs} runs`,
  );
  console.log(
    `  findings: ${Object.entries(s?.byKind ?? {})
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  );
  console.log(
    `  load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

await main();
