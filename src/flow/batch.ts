// A columnar batch of flows in the store's layout (see storage.ts): one typed array per storage
// column plus a validity bitmask (bit set = value present, DuckDB's layout), so the parser fills
// it without a string per field and the engine copies it into the store without a row loop.
// Batches cross worker threads as transferable buffers.

import { type Physical, STORAGE_COLUMNS, type StorageColumn } from './storage.js';

export type ColumnData = Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface FlowBatch {
  /** rows filled */
  length: number;
  readonly capacity: number;
  /** by storage column name */
  readonly data: Readonly<Record<string, ColumnData>>;
  /** by storage column name: bit i of byte i>>3 set when row i has a value */
  readonly valid: Readonly<Record<string, Uint8Array>>;
  /** 0 = vpc, 1 = tgw (index into KIND_VALUES) */
  readonly kind: Uint8Array;
  /** batch-local string dictionary: `dict` columns hold indexes into it */
  readonly strings: string[];
  /** unknown fields of a row as a JSON object text; sparse, most rows have none */
  readonly extra: Map<number, string>;
  /**
   * Rows [0, coreLength) fit the narrow core table and rows [coreLength, length) go to the wide
   * one; routeBatch() orders the rows so and fills `dur` and `hasPkt`. 0 until routed.
   */
  coreLength: number;
  /** for core rows: end - start in seconds (valid where `end` is) */
  readonly dur: Uint16Array;
  /** for core rows: 1 when pkt-srcaddr and pkt-dstaddr were given (and equal srcaddr/dstaddr) */
  readonly hasPkt: Uint8Array;
}

const WIDTH: Readonly<Record<Physical, number>> = {
  u8: 1,
  enum: 1,
  u16: 2,
  u32: 4,
  dict: 4,
  i64: 8,
  u128: 16,
};

/** Bytes per row of one storage column. */
export function physicalWidth(p: Physical): number {
  return WIDTH[p];
}

function allocate(p: Physical, n: number): ColumnData {
  switch (p) {
    case 'u8':
    case 'enum':
      return new Uint8Array(n);
    case 'u16':
      return new Uint16Array(n);
    case 'u32':
    case 'dict':
      return new Uint32Array(n);
    case 'i64':
      return new BigInt64Array(n);
    case 'u128':
      return new BigUint64Array(n * 2);
    default: {
      const never: never = p;
      throw new Error(`unhandled physical type ${String(never)}`);
    }
  }
}

/** A batch able to hold `capacity` flows; every value starts NULL. Capacity is a multiple of 8. */
export function createBatch(capacity: number): FlowBatch {
  const cap = Math.ceil(capacity / 8) * 8;
  const data: Record<string, ColumnData> = {};
  const valid: Record<string, Uint8Array> = {};
  for (const s of STORAGE_COLUMNS) {
    data[s.name] = allocate(s.physical, cap);
    valid[s.name] = new Uint8Array(cap / 8);
  }
  return {
    length: 0,
    capacity: cap,
    data,
    valid,
    kind: new Uint8Array(cap),
    strings: [],
    extra: new Map(),
    coreLength: 0,
    dur: new Uint16Array(cap),
    hasPkt: new Uint8Array(cap),
  };
}

export function setValid(mask: Uint8Array, row: number): void {
  mask[row >> 3] = (mask[row >> 3] as number) | (1 << (row & 7));
}

export function clearValid(mask: Uint8Array, row: number): void {
  mask[row >> 3] = (mask[row >> 3] as number) & ~(1 << (row & 7));
}

export function isValid(mask: Uint8Array, row: number): boolean {
  return ((mask[row >> 3] as number) & (1 << (row & 7))) !== 0;
}

/** The buffers to list as transferables when posting a batch to another thread. */
export function batchTransferables(b: FlowBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [
    b.kind.buffer as ArrayBuffer,
    b.dur.buffer as ArrayBuffer,
    b.hasPkt.buffer as ArrayBuffer,
  ];
  for (const s of STORAGE_COLUMNS) {
    out.push(
      (b.data[s.name] as ColumnData).buffer as ArrayBuffer,
      (b.valid[s.name] as Uint8Array).buffer as ArrayBuffer,
    );
  }
  return out;
}

/** Reads one stored value back as JS (for tests and small paths, never a hot loop). */
export function readValue(b: FlowBatch, s: StorageColumn, row: number): number | bigint | string | null {
  if (!isValid(b.valid[s.name] as Uint8Array, row)) return null;
  const d = b.data[s.name] as ColumnData;
  switch (s.physical) {
    case 'u128': {
      const w = d as BigUint64Array;
      return ((w[row * 2 + 1] as bigint) << 64n) | (w[row * 2] as bigint);
    }
    case 'dict':
      return b.strings[(d as Uint32Array)[row] as number] ?? null;
    case 'enum':
      return s.column.values?.[(d as Uint8Array)[row] as number] ?? null;
    default:
      return d[row] as number | bigint;
  }
}

export interface BatchPool {
  /** a batch of at least `capacity` rows, empty: every value NULL */
  take(capacity: number): FlowBatch;
  /** hands a batch back once its contents have been copied elsewhere */
  give(b: FlowBatch): void;
}

/**
 * Reuses batches: a run over many small files (S3 writes one every 5 minutes per flow log)
 * otherwise allocates megabytes per file and spends its time collecting garbage.
 */
export function createBatchPool(max = 4): BatchPool {
  const free: FlowBatch[] = [];
  return {
    take(capacity) {
      const i = free.findIndex((b) => b.capacity >= capacity);
      if (i < 0) return createBatch(capacity);
      const b = free.splice(i, 1)[0] as FlowBatch;
      b.length = 0;
      b.coreLength = 0;
      for (const v of Object.values(b.valid)) v.fill(0);
      b.kind.fill(0);
      b.strings.length = 0;
      b.extra.clear();
      return b;
    },
    give(b) {
      if (free.length < max && !free.includes(b)) free.push(b);
    },
  };
}
