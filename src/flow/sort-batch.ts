// Sorts a batch's rows in place by (interface, direction, remote address, start) so DuckDB's
// compression sees runs: the same interface, vpc and account ids, the interface's own address,
// close remote addresses and times, next to each other. By (interface, start), measured on the
// 2 M bench data with one parse worker: used space 33.8 -> 30.6 B/flow, file 59.8 -> 51-54 B/flow,
// ingest speed within noise (192 k vs 183 k flows/s); direction and remote address took the 10 M
// bench store from 25.2 to 23.1 B/flow at the same speed. Runs in the parse workers (native/route-batch.cc alike).

import type { ColumnData, FlowBatch } from './batch.js';
import { isValid } from './batch.js';
import { ownAddress } from './own-address.js';
import { STORAGE_COLUMNS } from './storage.js';

/** The key of each row: the column's value, or 0 when NULL (so NULL sorts first). */
function keys(b: FlowBatch, name: string): Uint32Array<ArrayBuffer> {
  const n = b.length;
  const data = b.data[name] as Uint32Array;
  const valid = b.valid[name] as Uint8Array;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = isValid(valid, i) ? (data[i] as number) : 0;
  return out;
}

/** Stable counting sort of `idx` by key[idx[i]] - min, when the keys span at most `range` values. */
function countingPass(
  idx: Uint32Array,
  key: Uint32Array,
  min: number,
  range: number,
): Uint32Array<ArrayBuffer> {
  const counts = new Uint32Array(range + 1);
  for (let i = 0; i < idx.length; i++) {
    const c = (key[idx[i] as number] as number) - min + 1;
    counts[c] = (counts[c] as number) + 1;
  }
  for (let k = 1; k <= range; k++) counts[k] = (counts[k] as number) + (counts[k - 1] as number);
  const out = new Uint32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i] as number;
    const c = (key[j] as number) - min;
    out[counts[c] as number] = j;
    counts[c] = (counts[c] as number) + 1;
  }
  return out;
}

const MAX_COUNTING_RANGE = 1 << 20;

function span(key: Uint32Array): [min: number, range: number] {
  let min = 0xffffffff;
  let max = 0;
  for (let i = 0; i < key.length; i++) {
    const k = key[i] as number;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  return [min, max - min + 1];
}

/**
 * Per row: whether it leaves its interface (its source is the interface's own address, as
 * own-address.ts tells it within the batch), and its remote address (0 when NULL). Rows of an
 * interface with no own address (NODATA, IPv6, TGW) count as arriving, from their source.
 * `byIface` lists the rows grouped by interface key (rows of a key in batch order).
 */
function directions(
  b: FlowBatch,
  iface: Uint32Array,
  byIface: Uint32Array,
): { out: Uint32Array<ArrayBuffer>; remote: Uint32Array<ArrayBuffer> } {
  const n = b.length;
  const src = b.data.srcaddr_v4 as Uint32Array;
  const dst = b.data.dstaddr_v4 as Uint32Array;
  const sv = b.valid.srcaddr_v4 as Uint8Array;
  const dv = b.valid.dstaddr_v4 as Uint8Array;
  const out = new Uint32Array(n);
  const remote = new Uint32Array(n);
  const s4 = (r: number) => (isValid(sv, r) ? (src[r] as number) : -1);
  const d4 = (r: number) => (isValid(dv, r) ? (dst[r] as number) : -1);
  for (let s = 0; s < n; ) {
    const v = iface[byIface[s] as number];
    let e = s + 1;
    while (e < n && iface[byIface[e] as number] === v) e++;
    const own = ownAddress(byIface, s, e, s4, d4);
    for (let i = s; i < e; i++) {
      const r = byIface[i] as number;
      const leaves = own >= 0 && s4(r) === own;
      out[r] = leaves ? 1 : 0;
      remote[r] = Math.max(0, leaves ? d4(r) : s4(r));
    }
    s = e;
  }
  return { out, remote };
}

const MASK16 = 0xffff;

/**
 * The row order that sorts by (group, interface, direction, remote address, start), stable; NULL
 * keys sort as 0. Counting passes, least significant first: a batch's times span minutes and its
 * interface ids are a small batch-local dictionary, so this is O(n) (a comparison sort took
 * ~0.5 us per flow). Ordered by direction and remote address within an interface, each address
 * column holds runs of the interface's own address and sorted remote ones: DuckDB stored both
 * uncompressed before (4.3 bytes per flow each on the bench data; docs/specs/ingest.md).
 */
function order(b: FlowBatch, group: Uint8Array | undefined): Uint32Array<ArrayBuffer> {
  const n = b.length;
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const k1 = keys(b, 'interface_id');
  const k2 = keys(b, 'start');
  const [min2, range2] = span(k2);
  const [min1, range1] = span(k1);
  const wide = range2 > MAX_COUNTING_RANGE || range1 > MAX_COUNTING_RANGE;
  const byIface = wide
    ? idx.slice().sort((x, y) => (k1[x] as number) - (k1[y] as number) || x - y)
    : countingPass(idx, k1, min1, range1);
  const { out, remote } = directions(b, k1, byIface);
  if (wide) {
    // times spread over more than 12 days in one batch: rare enough for a comparison sort
    const g = group ?? new Uint8Array(n);
    return idx.sort(
      (x, y) =>
        (g[x] as number) - (g[y] as number) ||
        (k1[x] as number) - (k1[y] as number) ||
        (out[x] as number) - (out[y] as number) ||
        (remote[x] as number) - (remote[y] as number) ||
        (k2[x] as number) - (k2[y] as number) ||
        x - y,
    );
  }
  idx = countingPass(idx, k2, min2, range2);
  idx = countingPass(
    idx,
    remote.map((a) => a & MASK16),
    0,
    MASK16 + 1,
  );
  idx = countingPass(
    idx,
    remote.map((a) => a >>> 16),
    0,
    MASK16 + 1,
  );
  idx = countingPass(idx, out, 0, 2);
  idx = countingPass(idx, k1, min1, range1);
  if (group !== undefined) idx = countingPass(idx, Uint32Array.from(group), 0, 2);
  return idx;
}

function permuteBits(mask: Uint8Array, idx: Uint32Array): void {
  const copy = mask.slice();
  mask.fill(0, 0, Math.ceil(idx.length / 8));
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i] as number;
    if (((copy[j >> 3] as number) & (1 << (j & 7))) !== 0)
      mask[i >> 3] = (mask[i >> 3] as number) | (1 << (i & 7));
  }
}

let scratch = new ArrayBuffer(1 << 16);

/** A copy of `bytes` bytes of `d` in a reused buffer (a batch's sort copies ~30 columns). */
function copyOf(d: ColumnData, bytes: number): ArrayBuffer {
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(bytes * 2);
  new Uint8Array(scratch, 0, bytes).set(new Uint8Array(d.buffer, d.byteOffset, bytes));
  return scratch;
}

/**
 * Reorders the first idx.length values of a column. 64- and 128-bit values move as 32-bit words,
 * never as BigInts (reading a BigInt64Array allocates one per value).
 */
function permute(d: ColumnData, idx: Uint32Array): void {
  const n = idx.length;
  // a BigUint64Array holds IPv6 addresses: two elements per row
  const bytes = n * (d instanceof BigUint64Array ? 16 : d.BYTES_PER_ELEMENT);
  const src = copyOf(d, bytes);
  if (d.BYTES_PER_ELEMENT === 1) {
    const a = d as Uint8Array;
    const c = new Uint8Array(src, 0, n);
    for (let i = 0; i < n; i++) a[i] = c[idx[i] as number] as number;
  } else if (d.BYTES_PER_ELEMENT === 2) {
    const a = d as Uint16Array;
    const c = new Uint16Array(src, 0, n);
    for (let i = 0; i < n; i++) a[i] = c[idx[i] as number] as number;
  } else {
    const words = bytes / 4 / n;
    const a = new Uint32Array(d.buffer, d.byteOffset, n * words);
    const c = new Uint32Array(src, 0, n * words);
    for (let i = 0; i < n; i++) {
      const j = (idx[i] as number) * words;
      for (let w = 0; w < words; w++) a[i * words + w] = c[j + w] as number;
    }
  }
}

/**
 * Reorders every column, validity bit, kind and unknown-field entry of the batch by (interface,
 * direction, remote address, start), or by (group, ...) when a per-row group number is given
 * (route-batch.ts puts wide rows last).
 */
export function sortBatch(b: FlowBatch, group?: Uint8Array): void {
  if (b.length < 2) return;
  const idx = order(b, group);
  const bytes = Math.ceil(b.length / 8);
  for (const s of STORAGE_COLUMNS) {
    const mask = b.valid[s.name] as Uint8Array;
    if (!mask.subarray(0, bytes).some((x) => x !== 0)) continue; // all NULL here: nothing to move
    permute(b.data[s.name] as ColumnData, idx);
    permuteBits(mask, idx);
  }
  permute(b.kind, idx);
  if (b.extra.size > 0) {
    const old = new Map(b.extra);
    b.extra.clear();
    for (let i = 0; i < idx.length; i++) {
      const e = old.get(idx[i] as number);
      if (e !== undefined) b.extra.set(i, e);
    }
  }
}
