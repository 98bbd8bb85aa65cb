// The batch being filled. Field handlers write through `Slot`s (typed views of one storage
// column, refreshed when a new batch starts) so they never look columns up by name per value.
// Owns the batch-local string dictionary and the rules applied once a row is complete:
// NODATA/SKIPDATA carry no traffic, TGW records have no action, kind, start > end (rules 6, 7, 9).

import {
  clearValid,
  columnByAws,
  createBatch,
  type FlowBatch,
  isValid,
  STORAGE_COLUMNS,
  storageColumnsOf,
} from '../../flow/index.js';
import { createDictionary, type Dictionary, nativeDictionary } from './dictionary.js';
import { createNativeState, type NativeState, type NativeTextLines } from './native.js';
import type { ParseStats } from './stats.js';

/** Views of one storage column of the current batch; only the view matching its type is used. */
export interface Slot {
  valid: Uint8Array;
  u8: Uint8Array;
  u16: Uint16Array;
  /** u32, dict, and the 32-bit words of i64 / u128 columns (little endian) */
  u32: Uint32Array;
  i64: BigInt64Array;
}

export interface BatchWriter {
  /** the row being written (the current batch's length); read it first: it starts a batch when needed */
  readonly row: number;
  /** changes whenever a new batch starts: dictionary ids are only valid within one */
  readonly generation: number;
  slot(storageName: string): Slot;
  /** the batch-local dictionary id of the token's text */
  dict(buf: Uint8Array, s: number, e: number): number;
  /** whether the token's text has the batch-local id `id` */
  isDict(id: number, buf: Uint8Array, s: number, e: number): boolean;
  /** unknown fields of the current row, as a JSON object text */
  setExtra(json: string): void;
  /** completes the row; kind: 0 vpc, 1 tgw (index into KIND_VALUES) */
  commit(kind: number): void;
  /** forgets a half-written row by clearing the validity of the slots it may have touched */
  rollback(slots: readonly Slot[]): void;
  /** hands over the partial batch, if it has rows */
  flush(): void;
  /** the native text path's addon and state, when it is on (native.ts) */
  readonly native: { readonly m: NativeTextLines; readonly state: NativeState } | undefined;
  /**
   * The native text path: writes the whole lines of `buf[s..e)` through the addon's layout
   * `layout`, committing each row by the rules of `commit`. Returns the addon's status (0 all
   * read, 1 stopped at a line for the JavaScript path, 2 the batch filled and was handed over);
   * out[0] is where it stopped, out[1] the lines it passed, out[2] the rows it wrote.
   */
  bulk(layout: number, buf: Uint8Array, s: number, e: number, out: Float64Array): number;
}

// Writing i64 and u128 through 32-bit views assumes the platform's byte order is little endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
  throw new Error('flowsight needs a little-endian platform');

const EMPTY = new ArrayBuffer(8);

function emptySlot(): Slot {
  return {
    valid: new Uint8Array(EMPTY),
    u8: new Uint8Array(EMPTY),
    u16: new Uint16Array(EMPTY),
    u32: new Uint32Array(EMPTY),
    i64: new BigInt64Array(EMPTY),
  };
}

function bindSlot(slot: Slot, b: FlowBatch, name: string): void {
  const data = b.data[name];
  const valid = b.valid[name];
  if (data === undefined || valid === undefined) throw new Error(`batch has no column ${name}`);
  const buf = data.buffer as ArrayBuffer;
  slot.valid = valid;
  slot.u8 = new Uint8Array(buf);
  slot.u16 = new Uint16Array(buf);
  slot.u32 = new Uint32Array(buf);
  slot.i64 = new BigInt64Array(buf);
}

function only(aws: string): string {
  const c = columnByAws(aws);
  const s = c === undefined ? undefined : storageColumnsOf(c)[0];
  if (s === undefined) throw new Error(`no storage column for ${aws}`);
  return s.name;
}

export function createBatchWriter(
  size: number,
  stats: ParseStats,
  onBatch: (b: FlowBatch) => void,
  allocate: (capacity: number) => FlowBatch = createBatch,
  addon?: NativeTextLines,
): BatchWriter {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`batch size must be a positive integer, got ${size}`);
  const slots = new Map(STORAGE_COLUMNS.map((s) => [s.name, emptySlot()]));
  const slot = (name: string): Slot => {
    const s = slots.get(name);
    if (s === undefined) throw new Error(`no storage column ${name}`);
    return s;
  };
  const [status, packets, bytes, action, start, end] = [
    'log-status',
    'packets',
    'bytes',
    'action',
    'start',
    'end',
  ].map((n) => slot(only(n))) as [Slot, Slot, Slot, Slot, Slot, Slot];
  const ok = columnByAws('log-status')?.values?.indexOf('OK') ?? 0;

  // Batches are made when a row needs one, so a parser that reads nothing allocates nothing.
  let batch = createBatch(8);
  let stale = true;
  let generation = 0;
  let dictionary: Dictionary = createDictionary(batch.strings);
  const native = addon === undefined ? undefined : { m: addon, state: createNativeState(addon) };
  const fresh = (): void => {
    batch = allocate(size);
    for (const [name, s] of slots) bindSlot(s, batch, name);
    if (native === undefined) dictionary = createDictionary(batch.strings);
    else {
      // one dictionary for both paths: the addon keeps the ASCII strings, ids are positions in `strings`
      const b = batch;
      native.m.bind(
        native.state,
        STORAGE_COLUMNS.map((c) => b.data[c.name] as ArrayBufferView),
        STORAGE_COLUMNS.map((c) => b.valid[c.name] as Uint8Array),
        b.kind,
        b.strings,
        size,
      );
      dictionary = nativeDictionary(native.m, native.state, b.strings);
    }
    stale = false;
    generation++;
  };

  return {
    get row() {
      if (stale) fresh();
      return batch.length;
    },
    get generation() {
      return generation;
    },
    slot,
    dict: (buf, s, e) => dictionary.id(buf, s, e),
    isDict: (id, buf, s, e) => dictionary.is(id, buf, s, e),
    setExtra(json) {
      batch.extra.set(batch.length, json);
    },
    commit(kind) {
      const row = batch.length;
      if (isValid(status.valid, row) && status.u8[row] !== ok) {
        clearValid(packets.valid, row);
        clearValid(bytes.valid, row);
        clearValid(action.valid, row);
      }
      if (kind === 1) clearValid(action.valid, row);
      if (
        isValid(start.valid, row) &&
        isValid(end.valid, row) &&
        (start.u32[row] as number) > (end.u32[row] as number)
      ) {
        stats.startAfterEnd++;
      }
      batch.kind[row] = kind;
      batch.length = row + 1;
      stats.flows++;
      if (batch.length === size) {
        onBatch(batch);
        stale = true;
      }
    },
    rollback(touched) {
      const row = batch.length;
      for (const s of touched) clearValid(s.valid, row);
      batch.extra.delete(row);
    },
    flush() {
      if (stale || batch.length === 0) return;
      onBatch(batch);
      stale = true;
    },
    native,
    bulk(layout, buf, s, e, out) {
      if (native === undefined) throw new Error('bulk() needs the native text path');
      if (stale) fresh();
      const row = batch.length;
      const status = native.m.parse(native.state, layout, buf, s, e, row, size - row, out);
      const rows = out[2] as number;
      batch.length = row + rows;
      stats.flows += rows;
      stats.startAfterEnd += out[3] as number;
      if (batch.length === size) {
        onBatch(batch);
        stale = true;
      }
      return status;
    },
  };
}
