import { describe, expect, it } from 'vitest';
import { createBatchPool, isValid, readValue, setValid } from './batch.js';
import { STORAGE_COLUMNS } from './storage.js';

describe('the batch pool', () => {
  it('hands a used batch back empty: no length, no strings, no extras, every value NULL', () => {
    const pool = createBatchPool();
    const b = pool.take(64);
    const dict = STORAGE_COLUMNS.find((s) => s.name === 'interface_id');
    if (dict === undefined) throw new Error('no interface_id');
    b.strings.push('eni-1');
    (b.data.interface_id as Uint32Array)[3] = 0;
    setValid(b.valid.interface_id as Uint8Array, 3);
    b.extra.set(3, '{"x":"1"}');
    b.kind[3] = 1;
    b.length = 4;
    expect(readValue(b, dict, 3)).toBe('eni-1');
    pool.give(b);
    const again = pool.take(64);
    expect(again).toBe(b);
    expect(again.length).toBe(0);
    expect(again.strings).toEqual([]);
    expect(again.extra.size).toBe(0);
    expect(again.kind[3]).toBe(0);
    expect(STORAGE_COLUMNS.some((s) => isValid(again.valid[s.name] as Uint8Array, 3))).toBe(false);
  });

  it('allocates a new batch when none free is large enough, and keeps at most its limit', () => {
    const pool = createBatchPool(1);
    const small = pool.take(8);
    pool.give(small);
    const big = pool.take(1024);
    expect(big).not.toBe(small);
    expect(big.capacity).toBeGreaterThanOrEqual(1024);
    pool.give(big);
    expect(pool.take(8)).toBe(small);
  });
});
