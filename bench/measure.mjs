// The bench's child wrapper: runs one measured job in this process, then reports its own time, CPU
// time and peak RSS (process.resourceUsage() covers every thread) as one JSON line on fd 3, so the
// parent reads the job's figures apart from its stdout. Plain JS on purpose: both sides of the
// comparison start the same way (plain node, no tsx).
//   node bench/measure.mjs flowsight <main.js> <cli args...>   the built CLI's main() (a dist/cli/main.js)
//   node bench/measure.mjs duckdb <db> <config json> <sql>      one statement into a DuckDB file

import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const started = performance.now();
const [mode, ...rest] = process.argv.slice(2);

async function run() {
  if (mode === 'flowsight') {
    const [mainJs, ...args] = rest;
    const { main } = await import(pathToFileURL(mainJs).href);
    return main(args);
  }
  if (mode === 'duckdb') {
    const [db, config, sql] = rest;
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(db, JSON.parse(config));
    const conn = await instance.connect();
    try {
      await conn.run(sql);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    return 0;
  }
  process.stderr.write(
    'usage: measure.mjs flowsight <main.js> <args...> | duckdb <db> <config json> <sql>\n',
  );
  return 2;
}

let exitCode;
try {
  exitCode = await run();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  exitCode = 1;
}
const usage = process.resourceUsage();
const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
const report = `${JSON.stringify({ exitCode, ms: performance.now() - started, cpuMs, maxRssKb: usage.maxRSS })}\n`;
try {
  writeSync(3, report);
} catch {
  process.stderr.write(report); // run by hand, without the parent's fd 3
}
process.exitCode = exitCode;
