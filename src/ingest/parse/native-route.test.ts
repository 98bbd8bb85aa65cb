// The addon's routeBatch must leave a batch exactly as flow/route-batch.ts does: the same core
// length, every column and validity bit in the same order, kind, unknown fields, and dur and
// hasPkt of the core rows, for any batch (core and wide rows, NULL keys, times spread widely).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatch, type FlowBatch, routeBatch, STORAGE_COLUMNS, setValid } from '../../flow/index.js';
import { nativeRouteBatch } from './native.js';

interface Row {
  iface: number | null;
  start: number | null;
  /** end - start; null: no end */
  dur: number | null;
  src: number | null;
  dst: number | null;
  /** pkt-* addresses: absent, both equal to src/dst, or other values */
  pkt: 'none' | 'same' | 'other' | 'src-only';
  v6: bigint | null;
  bytes: bigint | null;
  port: number | null;
  tgw: number | null;
  kind: number;
  extra: string | null;
  /** written where a row's value is NULL: a rolled-back row leaves bytes behind */
  junk: number;
}

/** null in about 1 of `every` rows, a value otherwise */
const mostly = <T>(a: fc.Arbitrary<T>, every: number) => fc.option(a, { nil: null, freq: every });
/** a value in about 1 of `every` rows, null otherwise (the wide-only fields: most rows are core) */
const rarely = <T>(a: fc.Arbitrary<T>, every: number) =>
  fc.oneof({ weight: 1, arbitrary: a }, { weight: every - 1, arbitrary: fc.constant(null) });

const row = (spread: boolean): fc.Arbitrary<Row> =>
  fc.record({
    iface: mostly(fc.nat(6), 5),
    start: mostly(spread ? fc.nat() : fc.integer({ min: 1_700_000_000, max: 1_700_000_900 }), 8),
    dur: mostly(
      fc.oneof(fc.integer({ min: -5, max: 120 }), fc.constantFrom(65534, 65535, 65536, 1_000_000)),
      6,
    ),
    // a few addresses again and again (an interface's own), and any other
    src: mostly(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.nat({ max: 2 ** 32 - 1 })), 8),
    dst: mostly(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.nat({ max: 2 ** 32 - 1 })), 8),
    pkt: fc.constantFrom('none', 'none', 'same', 'same', 'other', 'src-only'),
    v6: rarely(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), 12),
    bytes: mostly(fc.bigInt({ min: 0n, max: 1n << 62n }), 6),
    port: mostly(fc.nat(65535), 6),
    tgw: rarely(fc.nat(3), 15),
    kind: fc.constantFrom(0, 0, 0, 0, 0, 1),
    extra: rarely(fc.constantFrom('{"x":"1"}', '{"y":null}'), 15),
    junk: fc.nat(),
  });

function batchOf(rows: readonly Row[]): FlowBatch {
  const b = createBatch(Math.max(8, rows.length));
  b.strings.push('eni-a', 'eni-b');
  const put = (name: string, i: number, v: number | bigint | null, junk = 0): void => {
    const d = b.data[name];
    if (v === null) {
      if (d instanceof Uint32Array) d[i] = junk;
      return;
    }
    if (d instanceof BigUint64Array) {
      d[i * 2] = (v as bigint) & 0xffffffffffffffffn;
      d[i * 2 + 1] = (v as bigint) >> 64n;
    } else if (d instanceof BigInt64Array) d[i] = v as bigint;
    else (d as Uint32Array)[i] = v as number;
    setValid(b.valid[name] as Uint8Array, i);
  };
  rows.forEach((r, i) => {
    put('interface_id', i, r.iface, r.junk);
    put('start', i, r.start, r.junk);
    if (r.dur !== null && r.start !== null) put('end', i, Math.max(0, Math.min(0xffffffff, r.start + r.dur)));
    if (r.dur !== null && r.start === null) put('end', i, Math.max(0, r.dur));
    put('srcaddr_v4', i, r.src);
    put('dstaddr_v4', i, r.dst);
    if (r.pkt === 'same' || r.pkt === 'src-only') put('pkt_srcaddr_v4', i, r.src ?? 7);
    if (r.pkt === 'same') put('pkt_dstaddr_v4', i, r.dst ?? 7);
    if (r.pkt === 'other') {
      put('pkt_srcaddr_v4', i, ((r.src ?? 0) + 1) >>> 0);
      put('pkt_dstaddr_v4', i, r.dst ?? 9);
    }
    put('srcaddr_v6', i, r.v6);
    put('bytes', i, r.bytes);
    put('dstport', i, r.port);
    put('tgw_id', i, r.tgw);
    b.kind[i] = r.kind;
    if (r.extra !== null) b.extra.set(i, r.extra);
  });
  b.length = rows.length;
  return b;
}

/** Everything routing may change, as plain values. */
function stateOf(b: FlowBatch): unknown {
  const n = b.length;
  const cols: Record<string, unknown> = {};
  for (const s of STORAGE_COLUMNS) {
    const d = b.data[s.name] as ArrayBufferView;
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    cols[s.name] = [
      Array.from(bytes.subarray(0, (bytes.length / b.capacity) * n)),
      Array.from(b.valid[s.name] as Uint8Array),
    ];
  }
  const core = b.coreLength;
  return {
    core,
    cols,
    kind: Array.from(b.kind.subarray(0, n)),
    extra: [...b.extra.entries()].sort((x, y) => x[0] - y[0]),
    dur: Array.from(b.dur.subarray(0, core)),
    hasPkt: Array.from(b.hasPkt.subarray(0, core)),
  };
}

describe('native routeBatch', () => {
  it('is the addon (npm ci builds it)', () => {
    expect(nativeRouteBatch(batchOf([]))).toBe(true);
  });

  it.each([
    ['times within minutes (counting sort)', false],
    ['times spread over years (comparison sort)', true],
  ])('orders and splits any batch as the JavaScript one does: %s', (_, spread) => {
    fc.assert(
      fc.property(fc.array(row(spread), { maxLength: 120 }), (rows) => {
        const js = batchOf(rows);
        const native = batchOf(rows);
        routeBatch(js);
        expect(nativeRouteBatch(native)).toBe(true);
        expect(stateOf(native)).toEqual(stateOf(js));
      }),
      { numRuns: 400 },
    );
  });
});
