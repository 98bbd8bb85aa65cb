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
  dst?: number | null;
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
    put('dstaddr_v4', r.dst ?? null);
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
  it('keeps every row whole (values, NULLs, kind, unknown fields) and orders them by interface first', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 0, maxLength: 70 }), (rows) => {
        const b = batchOf(rows);
        const before = rowsOf(b).sort();
        sortBatch(b);
        expect(rowsOf(b).sort()).toEqual(before);
        const iface = byName('interface_id');
        const key = (i: number) =>
          readValue(b, iface, i) === null ? 0 : ((b.data.interface_id as Uint32Array)[i] as number);
        for (let i = 1; i < b.length; i++) expect(key(i - 1)).toBeLessThanOrEqual(key(i));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['times within minutes (counting sort)', 100],
    ['times over decades (comparison sort)', 2 ** 31],
  ])(
    'orders rows exactly as a stable sort by (group, interface, direction, remote address, start) would: %s',
    (_, spread) => {
      const addr = fc.option(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.nat({ max: 2 ** 32 - 1 })), {
        freq: 6,
      });
      const arb = fc.array(
        fc.record({
          iface: fc.option(fc.integer({ min: 0, max: 2 })),
          start: fc.option(fc.nat({ max: spread })),
          group: fc.integer({ min: 0, max: 1 }),
          src: addr,
          dst: addr,
        }),
        { maxLength: 60 },
      );
      fc.assert(
        fc.property(arb, (rows) => {
          const b = batchOf(
            rows.map((r, i) => ({
              iface: r.iface,
              start: r.start === null ? null : 1_000_000 + r.start,
              v4: r.src,
              dst: r.dst,
              v6: null,
              bytes: null,
              port: i,
              action: null,
              extra: null,
            })),
          );
          // the definition: an interface's own address is the one of its first row with both
          // addresses that more of its rows hold; a row leaves the interface when its source is it
          const ifaceOf = (i: number) => rows[i]?.iface ?? 0;
          const own = new Map<number, number | null>();
          for (const f of new Set(rows.map((_, i) => ifaceOf(i)))) {
            const mine = rows.filter((_, i) => ifaceOf(i) === f);
            const first = mine.find((r) => r.src !== null && r.dst !== null);
            const holds = (a: number | null) => mine.filter((r) => r.src === a || r.dst === a).length;
            own.set(
              f,
              first === undefined ? null : holds(first.src) >= holds(first.dst) ? first.src : first.dst,
            );
          }
          const k = (i: number) => {
            const r = rows[i] as (typeof rows)[number];
            const mine = own.get(ifaceOf(i)) ?? null;
            const out = mine !== null && r.src === mine;
            return [
              r.group,
              ifaceOf(i),
              out ? 1 : 0,
              (out ? r.dst : r.src) ?? 0,
              r.start === null ? 0 : 1_000_000 + r.start,
            ];
          };
          const expected = rows
            .map((_, i) => i)
            .sort((x, y) => {
              const [a, c] = [k(x), k(y)];
              for (let j = 0; j < a.length; j++)
                if (a[j] !== c[j]) return (a[j] as number) - (c[j] as number);
              return x - y;
            });
          sortBatch(b, Uint8Array.from(rows.map((r) => r.group)));
          expect(Array.from({ length: b.length }, (_, i) => (b.data.dstport as Uint16Array)[i])).toEqual(
            expected,
          );
        }),
        { numRuns: 300 },
      );
    },
  );
});
