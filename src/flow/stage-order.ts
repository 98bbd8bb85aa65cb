// The order a store stage's rows (one DuckDB row group of flows, columnar, as the writer stages
// them) are inserted in: by interface, then direction (arriving first), then remote address,
// stable. The parse workers order each batch so (sort-batch.ts); a row group holds about four
// batches of two files, and ordered as one it compresses better still: each address column holds
// one run of each interface's own address and its remote addresses in order. Measured on the
// 10 M bench files: 23.1 B/flow with batches ordered, 20.9 with the stage ordered as well
// (docs/specs/ingest.md). This is the reference; native/stage-order.cc does the same in about
// 0.1 of the time (the app gives the writer the addon's).
//
// The interface's own address is told from its rows in the stage (own-address.ts). Interface
// keys: NULL apart from every id.

import { ownAddress } from './own-address.js';

/** One staged column: `width` bytes per row (0: nothing to move), and its validity bits. */
export interface StageColumn {
  readonly data: Uint8Array;
  readonly width: number;
  readonly valid: Uint8Array | undefined;
}

export interface Stage {
  readonly n: number;
  readonly columns: readonly StageColumn[];
  /** indexes in `columns` of interface_id, srcaddr_v4 and dstaddr_v4 (u32 values) */
  readonly iface: number;
  readonly src: number;
  readonly dst: number;
}

/** Puts a stage's rows in insert order, every column alike; returns where each row came from (row i was row perm[i]). */
export type ReorderStage = (stage: Stage) => Uint32Array;

/** Rows a stage may hold: a row number fits in the low bits of a sort key below 2^53. */
export const STAGE_MAX_ROWS = 2 ** 17;

const bit = (mask: Uint8Array | undefined, i: number): boolean =>
  mask === undefined || (((mask[i >> 3] as number) >> (i & 7)) & 1) === 1;

function u32(c: StageColumn, n: number): Uint32Array {
  return new Uint32Array(c.data.buffer, c.data.byteOffset, n);
}

/** The insert order: result[i] is the row to put at position i. */
export function stageOrder(stage: Stage): Uint32Array {
  const n = stage.n;
  if (n > STAGE_MAX_ROWS)
    throw new Error(`a stage of ${n} rows is more than the ${STAGE_MAX_ROWS} it can order`);
  const ic = stage.columns[stage.iface] as StageColumn;
  const sc = stage.columns[stage.src] as StageColumn;
  const dc = stage.columns[stage.dst] as StageColumn;
  const iface = u32(ic, n);
  const src = u32(sc, n);
  const dst = u32(dc, n);
  const key = new Float64Array(n); // NULL 0, id v as v + 1
  for (let i = 0; i < n; i++) key[i] = bit(ic.valid, i) ? (iface[i] as number) + 1 : 0;
  // the rows grouped by interface key, in stage order
  const byIface = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (key[x] as number) - (key[y] as number) || x - y,
  );
  const s4 = (r: number) => (bit(sc.valid, r) ? (src[r] as number) : -1);
  const d4 = (r: number) => (bit(dc.valid, r) ? (dst[r] as number) : -1);
  const perm = new Uint32Array(n);
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && key[byIface[e] as number] === key[byIface[s] as number]) e++;
    const rows = byIface.slice(s, e);
    const own = ownAddress(rows, 0, rows.length, s4, d4);
    const sortKey = (r: number) => {
      const out = own >= 0 && s4(r) === own;
      return ((out ? 2 ** 32 : 0) + Math.max(0, out ? d4(r) : s4(r))) * STAGE_MAX_ROWS + r;
    };
    const sorted = Float64Array.from(rows, sortKey).sort();
    for (let i = 0; i < sorted.length; i++) perm[s + i] = (sorted[i] as number) % STAGE_MAX_ROWS;
    s = e;
  }
  return perm;
}

/** Gathers a column's first n values into perm's order. */
function permuteData(c: StageColumn, perm: Uint32Array): void {
  const n = perm.length;
  const w = c.width;
  const copy = c.data.slice(0, n * w);
  for (let i = 0; i < n; i++) {
    const r = perm[i] as number;
    c.data.set(copy.subarray(r * w, r * w + w), i * w);
  }
}

function permuteValid(mask: Uint8Array, perm: Uint32Array): void {
  const n = perm.length;
  const copy = mask.slice(0, (n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const r = perm[i] as number;
    const on = (((copy[r >> 3] as number) >> (r & 7)) & 1) === 1;
    mask[i >> 3] = on
      ? (mask[i >> 3] as number) | (1 << (i & 7))
      : (mask[i >> 3] as number) & ~(1 << (i & 7));
  }
}

/**
 * The reference ReorderStage, written for clarity, not speed: the tests hold the addon's to it.
 * Ingest uses the addon's; without the addon it leaves stages as the batches came.
 */
export const reorderStage: ReorderStage = (stage) => {
  const perm = stageOrder(stage);
  for (const c of stage.columns) {
    if (c.width > 0) permuteData(c, perm);
    if (c.valid !== undefined) permuteValid(c.valid, perm);
  }
  return perm;
};
