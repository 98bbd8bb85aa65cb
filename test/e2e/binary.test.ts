// The real binary, as a user runs it: a demo folder ingested end to end, totals equal to the
// generator's truth.json, and an ingest killed mid-way that leaves only whole files behind.

import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Truth, writeDemo } from '../../src/demo/index.js';
import { tempDir } from '../support/cli.js';

const BIN = resolve(import.meta.dirname, '../../bin/flowsight.js');

function run(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    child.on('close', (code) => res({ code, stdout, stderr })),
  );
  return { child, done };
}

async function sqlJson(db: string, query: string): Promise<Record<string, number>[]> {
  const r = await run(['sql', '--db', db, '--format', 'json', query]).done;
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

let dir: string;
let truth: Truth;
beforeAll(async () => {
  dir = tempDir('flowsight-e2e-');
  truth = (await writeDemo(join(dir, 'demo'), { seed: 7, hours: 4, flows: 60_000 })).truth;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the flowsight binary', () => {
  it("ingests a demo folder and its totals equal the generator's truth.json", async () => {
    const db = join(dir, 'full.duckdb');
    const r = await run(['ingest', join(dir, 'demo', 'AWSLogs'), '--db', db, '--json']).done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      files: truth.totals.files,
      flows: truth.totals.records,
      rejected: 0,
    });
    const [t] = await sqlJson(
      db,
      "SELECT count(*) AS records, sum(bytes) AS bytes, count(*) FILTER (WHERE action = 'REJECT') AS rejects FROM flows",
    );
    expect(t).toEqual({
      records: truth.totals.records,
      bytes: truth.totals.bytes,
      rejects: truth.totals.byAction.REJECT,
    });
    const top = JSON.parse(
      (await run(['top', 'src', '--db', db, '--format', 'json', '--limit', '10']).done).stdout,
    );
    expect(
      top
        .filter((x: { other: boolean }) => !x.other)
        .map((x: { src: string; bytes: number }) => [x.src, x.bytes]),
    ).toEqual(truth.topSources.map((s) => [s.address, s.bytes]));
  });

  it('a killed ingest leaves only whole files, and the next run completes the store', async () => {
    const db = join(dir, 'killed.duckdb');
    const first = run(['ingest', join(dir, 'demo', 'AWSLogs'), '--db', db]);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGKILL');
    await first.done;
    const partial = await sqlJson(
      db,
      'SELECT count(*) AS broken FROM flow_files f WHERE f.flows <> (SELECT count(*) FROM flow_store s WHERE s.file_id = f.id)',
    ).catch(() => [{ broken: 0 }]);
    expect(partial).toEqual([{ broken: 0 }]);
    const second = await run(['ingest', join(dir, 'demo', 'AWSLogs'), '--db', db, '--json']).done;
    expect(second.code).toBe(0);
    const [t] = await sqlJson(
      db,
      'SELECT count(*) AS records, count(DISTINCT file_id) AS files FROM flow_store',
    );
    expect(t).toEqual({ records: truth.totals.records, files: truth.totals.files });
  });
});
