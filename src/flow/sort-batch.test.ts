import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatch, type FlowBatch, readValue, setValid } from './batch.js';
import { sortBatch } from './sort-batch.js';
import { STORAGE_COLUMNS } from './storage.js';

const byName = (n: string) => STORAGE_COLUMNS.find((s) => s.name === n) as (typeof STORAGE_COLUMNS)[number];
const COLS = ['interface_id', 'start', 'srcaddr_v4', 'srcaddr_v6', 'bytes', 'dstport', 'action'].map(byName);

interface Row {
  iface: number | null;
  start: number | null;
  v4: number | null;
  v6: bigint | null;
  bytes: bigint | null;
  port: number | null;
  action: number | null;
  extra: string | null;
}

function batchOf(rows: readonly Row[]): FlowBatch {
  const b = createBatch(rows.length);
  b.strings.push('eni-a', 'eni-b', 'eni-c');
  rows.forEach((r, i) => {
    const put = (name: string, v: number | bigint | null) => {
      if (v === null) return;
      const d = b.data[name];
      if (d instanceof BigUint64Array) {
        d[i * 2] = (v as bigint) & 0xffffffffffffffffn;
        d[i * 2 + 1] = (v as bigint) >> 64n;
      } else (d as Uint32Array)[i] = v as number;
      setValid(b.valid[name] as Uint8Array, i);
    };
    put('interface_id', r.iface);
    put('start', r.start);
    put('srcaddr_v4', r.v4);
    put('srcaddr_v6', r.v6);
    put('bytes', r.bytes);
    put('dstport', r.port);
    put('action', r.action);
    b.kind[i] = i % 2;
    if (r.extra !== null) b.extra.set(i, r.extra);
  });
  b.length = rows.length;
  return b;
}

function rowsOf(b: FlowBatch): string[] {
  return Array.from({ length: b.length }, (_, i) =>
    JSON.stringify([...COLS.map((s) => String(readValue(b, s, i))), b.kind[i], b.extra.get(i) ?? null]),
  );
}

const row = fc.record({
  iface: fc.option(fc.integer({ min: 0, max: 2 })),
  start: fc.option(fc.integer({ min: 1_700_000_000, max: 1_700_000_100 })),
  v4: fc.option(fc.nat({ max: 2 ** 32 - 1 })),
  v6: fc.option(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n })),
  bytes: fc.option(fc.bigInt({ min: 0n, max: 2n ** 62n })),
  port: fc.option(fc.nat({ max: 65535 })),
  action: fc.option(fc.integer({ min: 0, max: 1 })),
  extra: fc.option(fc.string()),
});

describe('sortBatch', () => {
  it('keeps every row whole (values, NULLs, kind, unknown fields) and orders them by interface then start', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 0, maxLength: 70 }), (rows) => {
        const b = batchOf(rows);
        const before = rowsOf(b).sort();
        sortBatch(b);
        expect(rowsOf(b).sort()).toEqual(before);
        const iface = byName('interface_id');
        const start = byName('start');
        const key = (i: number) => [
          Number(readValue(b, iface, i) === null ? -1 : (b.data.interface_id as Uint32Array)[i]),
          Number(readValue(b, start, i) ?? 0),
        ];
        for (let i = 1; i < b.length; i++) {
          const [a1, a2] = key(i - 1) as [number, number];
          const [b1, b2] = key(i) as [number, number];
          const x = a1 < 0 ? 0 : a1;
          const y = b1 < 0 ? 0 : b1;
          expect(x < y || (x === y && a2 <= b2)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['times within minutes (counting sort)', 100],
    ['times over decades (comparison sort)', 2 ** 31],
  ])('orders rows exactly as a stable sort by (group, interface, start) would: %s', (_, spread) => {
    const arb = fc.array(
      fc.record({
        iface: fc.option(fc.integer({ min: 0, max: 2 })),
        start: fc.option(fc.nat({ max: spread })),
        group: fc.integer({ min: 0, max: 1 }),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const b = batchOf(
          rows.map((r, i) => ({
            iface: r.iface,
            start: r.start === null ? null : 1_000_000 + r.start,
            v4: i,
            v6: null,
            bytes: null,
            port: null,
            action: null,
            extra: null,
          })),
        );
        const group = Uint8Array.from(rows.map((r) => r.group));
        const k = (i: number) => [
          rows[i]?.group ?? 0,
          rows[i]?.iface ?? 0,
          rows[i]?.start === null ? 0 : 1_000_000 + (rows[i]?.start as number),
        ];
        const expected = rows
          .map((_, i) => i)
          .sort((x, y) => {
            const [a, c] = [k(x), k(y)];
            return (
              (a[0] as number) - (c[0] as number) ||
              (a[1] as number) - (c[1] as number) ||
              (a[2] as number) - (c[2] as number) ||
              x - y
            );
          });
        sortBatch(b, 'interface_id', 'start', group);
        expect(Array.from({ length: b.length }, (_, i) => (b.data.srcaddr_v4 as Uint32Array)[i])).toEqual(
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });
});
