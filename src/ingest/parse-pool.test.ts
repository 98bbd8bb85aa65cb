import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/cli.js';
import { nativeTextLines } from './parse/index.js';
import { createParsePool } from './parse-pool.js';
import { defaultWorkers } from './pipeline.js';

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** A text flow log of n flows: several batches' worth when n is large. */
function flowLog(path: string, n: number, port: number): void {
  const lines = [HEADER];
  for (let i = 0; i < n; i++) {
    lines.push(
      `2 123456789010 eni-0123456789abcdef0 10.0.${(i >> 8) & 255}.${i & 255} 172.31.9.12 40000 ${port} 6 1 100 ${1700000000 + i} ${1700000060 + i} ACCEPT OK`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('the parse pool', () => {
  const pool = createParsePool(1);
  afterAll(() => pool.close());

  it('fails a file whose batch the caller refuses, without crashing, and hands none of its batches to the next file', async () => {
    const dir = tempDir();
    const [a, b] = [join(dir, 'a.log'), join(dir, 'b.log')];
    flowLog(a, 100_000, 443);
    flowLog(b, 40_000, 22);
    let offered = 0;
    await expect(
      pool.parse({ path: a, container: 'plain', maxSamples: 0 }, () => {
        offered++;
        throw new Error('the store is full');
      }),
    ).rejects.toThrow('the store is full');
    // the refusal stops the file's batches at the caller: one offered, the rest dropped
    expect(offered).toBe(1);
    const ports = new Set<number>();
    let rows = 0;
    const stats = await pool.parse({ path: b, container: 'plain', maxSamples: 0 }, (batch) => {
      rows += batch.length;
      const dst = batch.data.dstport as Uint16Array;
      for (let i = 0; i < batch.length; i++) ports.add(dst[i] as number);
    });
    expect(stats.flows).toBe(40_000);
    expect(rows).toBe(40_000);
    expect([...ports]).toEqual([22]);
  });
});

describe('the default number of parse workers', () => {
  it('leaves the writing thread a core of its own with the native parser (1 or 2), one per core (at most 3) without it', () => {
    const cores = availableParallelism();
    const clamp = (n: number, hi: number) => Math.max(1, Math.min(hi, n));
    const want = nativeTextLines() === undefined ? clamp(cores, 3) : clamp(cores - 1, 2);
    expect(defaultWorkers()).toBe(want);
    expect(defaultWorkers()).toBeGreaterThanOrEqual(1);
  });
});
