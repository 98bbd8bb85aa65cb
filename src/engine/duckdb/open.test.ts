// Opening a store another process holds: DuckDB's file lock becomes a user error that says who
// holds it and what to do, for a reader behind a writer and a writer behind anyone.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/cli.js';
import { UserError } from '../../errors.js';
import { DuckdbEngine } from './duckdb-engine.js';

let holder: ChildProcess | undefined;

/** Another process with the store open (read-write or read-only), until killed. */
async function hold(path: string, readOnly: boolean): Promise<number> {
  const config = readOnly ? "{ access_mode: 'READ_ONLY' }" : '{}';
  const script = `import { DuckDBInstance } from '@duckdb/node-api';
await DuckDBInstance.create(${JSON.stringify(path)}, ${config});
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);`;
  holder = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(holder.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  expect(chunk.toString()).toBe('ready\n');
  return holder.pid as number;
}

afterEach(async () => {
  if (holder !== undefined && holder.exitCode === null && holder.signalCode === null) {
    holder.kill();
    await once(holder, 'exit');
  }
  holder = undefined;
});

const refusal = async (p: Promise<unknown>): Promise<UserError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
};

describe('a store another process holds', () => {
  it('a reader behind a writer is told to wait for the ingest, with its process id', async () => {
    const db = join(tempDir(), 'held.duckdb');
    await (await DuckdbEngine.open({ path: db, readOnly: false })).close();
    const pid = await hold(db, false);
    const e = await refusal(DuckdbEngine.open({ path: db, readOnly: true }));
    expect(e.code).toBe('store.busy');
    expect(e.message).toContain(`is being written by process ${pid}`);
    expect(e.hint).toMatch(/when it has finished/);
    holder?.kill();
    await once(holder as ChildProcess, 'exit');
    const engine = await DuckdbEngine.open({ path: db, readOnly: true });
    await engine.close();
  });

  it('a writer behind a reader (a dashboard) is told to stop it or use another store', async () => {
    const db = join(tempDir(), 'read.duckdb');
    await (await DuckdbEngine.open({ path: db, readOnly: false })).close();
    const pid = await hold(db, true);
    const e = await refusal(DuckdbEngine.open({ path: db, readOnly: false }));
    expect(e.code).toBe('store.busy');
    expect(e.message).toBe(`the flow store '${db}' is open in process ${pid} (${process.execPath})`);
    expect(e.hint).toMatch(/flowsight serve, check or ingest/);
  });

  it('a file that is not a store is unreadable, not busy', async () => {
    const e = await refusal(
      DuckdbEngine.open({ path: join(import.meta.dirname, 'open.test.ts'), readOnly: true }),
    );
    expect(e.code).toBe('store.unreadable');
  });
});
