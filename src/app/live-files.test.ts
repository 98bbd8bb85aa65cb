// Which files a live load reads: each once, after it has stopped changing; never a stored file
// again; a failed one again only once it changes; the store itself never.

import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/cli.js';
import { LiveFiles } from './live-files.js';

const NOW = Date.parse('2026-12-05T12:00:00Z');
/** writes a file modified `ago` seconds before NOW */
function put(path: string, text: string, ago: number): void {
  writeFileSync(path, text);
  utimesSync(path, (NOW - ago * 1000) / 1000, (NOW - ago * 1000) / 1000);
}

describe('LiveFiles', () => {
  it('reads a file once it has gone unmodified for the settle time, then never again unless it changes', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    put(a, 'one\n', 60);
    put(b, 'two\n', 5);
    const files = new LiveFiles([dir], [], 30);

    const first = await files.pick(NOW);
    expect(first).toEqual({ read: [a], waiting: [b], changed: [], unchanged: 0 });
    files.done([]);

    // still being written at the next load: not said again
    expect(await files.pick(NOW + 1000)).toEqual({ read: [], waiting: [], changed: [], unchanged: 1 });
    const later = NOW + 40_000;
    expect(await files.pick(later)).toEqual({ read: [b], waiting: [], changed: [], unchanged: 1 });
    files.done([]);
    expect(await files.pick(later)).toEqual({ read: [], waiting: [], changed: [], unchanged: 2 });
  });

  it('says once per change that a stored file changed, and does not read it again', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.log');
    put(a, 'one\n', 60);
    const files = new LiveFiles([dir], [], 30);
    await files.pick(NOW);
    files.done([]);

    appendFileSync(a, 'two\n');
    utimesSync(a, (NOW - 50_000) / 1000, (NOW - 50_000) / 1000);
    expect(await files.pick(NOW)).toEqual({ read: [], waiting: [], changed: [a], unchanged: 0 });
    expect(await files.pick(NOW)).toEqual({ read: [], waiting: [], changed: [], unchanged: 0 });
    appendFileSync(a, 'three\n');
    expect(await files.pick(NOW)).toEqual({ read: [], waiting: [], changed: [a], unchanged: 0 });
  });

  it('reads a failed file again only once it changes, and nothing a load that threw was given', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    put(a, 'not a flow log\n', 60);
    put(b, 'fine\n', 60);
    const files = new LiveFiles([dir], [], 30);
    expect((await files.pick(NOW)).read).toEqual([a, b]);
    files.done([a]);
    expect(await files.pick(NOW)).toEqual({ read: [], waiting: [], changed: [], unchanged: 2 });

    put(a, 'fixed now\n', 45);
    expect(await files.pick(NOW)).toEqual({ read: [a], waiting: [], changed: [], unchanged: 1 });
    // the load threw (the store failed): nothing recorded, so the file is read at the next load
    expect(await files.pick(NOW)).toEqual({ read: [a], waiting: [], changed: [], unchanged: 1 });
  });

  it('never lists the store, even inside an input folder', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'logs'));
    put(join(dir, 'logs', 'a.log'), 'one\n', 60);
    put(join(dir, 'live.duckdb'), 'db', 60);
    put(join(dir, 'live.duckdb.wal'), 'wal', 60);
    const files = new LiveFiles([dir], [join(dir, 'live.duckdb'), join(dir, 'live.duckdb.wal')], 30);
    expect((await files.pick(NOW)).read).toEqual([join(dir, 'logs', 'a.log')]);
  });
});
