// A stage's insert order: by interface, direction and remote address, stable, every column and
// validity bit moved along.

import { describe, expect, it } from 'vitest';
import { reorderStage, type StageColumn, stageOrder } from './stage-order.js';

const ip = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);

function stageOf(
  rows: readonly { iface: number | null; src: number | null; dst: number | null; tag: number }[],
) {
  const n = rows.length;
  const col = (width: number, get: (r: (typeof rows)[number]) => number | null): StageColumn => {
    const data = new Uint8Array(n * width);
    const valid = new Uint8Array(Math.ceil(n / 8) + 1).fill(0b10100000); // bits past n: must stay
    const view =
      width === 4 ? new Uint32Array(data.buffer) : width === 2 ? new Uint16Array(data.buffer) : data;
    rows.forEach((r, i) => {
      const v = get(r);
      if (v !== null) {
        view[i] = v;
        valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
      } else valid[i >> 3] = (valid[i >> 3] as number) & ~(1 << (i & 7));
    });
    return { data, width, valid };
  };
  return {
    n,
    columns: [col(4, (r) => r.iface), col(4, (r) => r.src), col(4, (r) => r.dst), col(2, (r) => r.tag)],
    iface: 0,
    src: 1,
    dst: 2,
  };
}

describe('the stage order', () => {
  const me = ip('10.0.0.5');
  const rows = [
    { iface: 7, src: me, dst: ip('52.95.1.1'), tag: 0 }, // leaves
    { iface: 7, src: ip('203.0.113.9'), dst: me, tag: 1 }, // arrives
    { iface: null, src: null, dst: null, tag: 2 }, // a NODATA record
    { iface: 7, src: me, dst: ip('10.0.0.9'), tag: 3 }, // leaves
    { iface: 7, src: ip('10.0.0.9'), dst: me, tag: 4 }, // arrives
    { iface: 7, src: me, dst: ip('10.0.0.9'), tag: 5 }, // leaves, the same remote: after row 3
    { iface: 2, src: ip('10.0.0.2'), dst: ip('10.0.0.3'), tag: 6 },
  ];

  it('puts each interface rows together (NULL first), arriving then leaving, each by remote address, otherwise as they came', () => {
    expect([...stageOrder(stageOf(rows))]).toEqual([2, 6, 4, 1, 3, 5, 0]);
  });

  it('moves every column and validity bit with its row, and leaves the bits past the stage alone', () => {
    const stage = stageOf(rows);
    const perm = reorderStage(stage);
    const tags = new Uint16Array((stage.columns[3] as StageColumn).data.buffer);
    expect([...tags]).toEqual([...perm].map((r) => rows[r]?.tag));
    const valid = (stage.columns[0] as StageColumn).valid as Uint8Array;
    // row 2 (NULL interface) went first: bit 0 unset, the rest set; bit 7 past the 7 rows kept
    expect(valid[0]).toBe(0b11111110);
    expect(valid[1]).toBe(0b10100000);
  });
});
