// One handler per field type: validates a token's bytes and writes the value into the current
// batch. Compiled once per layout (and per record key set), called per token. Adding a field
// type means one case here, a storage case in flow/storage.ts, and a generator in the tests.

import { type Column, setValid, storageColumnsOf } from '../../flow/index.js';
import type { BatchWriter, Slot } from './batch-writer.js';
import { allDigits, enumMatcher, MAX_NUMBER_DIGITS, scanIPv4, scanIPv6, scanUint } from './scan.js';

/** Writes the token `buf[s..e)` to `row`; false when it does not validate (nothing is then valid). */
export type FieldHandler = (buf: Uint8Array, s: number, e: number, row: number) => boolean;

export interface CompiledField {
  readonly handle: FieldHandler;
  /** slots the handler may set valid, for rolling back a rejected row */
  readonly slots: readonly Slot[];
}

const TWO_32 = 4294967296;
const I64_LIMIT = 1n << 63n;
/** Epoch values this large are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const MS_THRESHOLD = 1e11;

function integer(slot: Slot, max: number, wide: boolean): FieldHandler {
  return (buf, s, e, row) => {
    const v = scanUint(buf, s, e);
    if (v < 0 || v > max) return false;
    if (wide) slot.u16[row] = v;
    else slot.u8[row] = v;
    setValid(slot.valid, row);
    return true;
  };
}

function time(slot: Slot): FieldHandler {
  return (buf, s, e, row) => {
    let v = scanUint(buf, s, e);
    if (v < 0) return false;
    if (v >= MS_THRESHOLD) v = Math.floor(v / 1000);
    if (v >= TWO_32) return false;
    slot.u32[row] = v;
    setValid(slot.valid, row);
    return true;
  };
}

function int64(slot: Slot): FieldHandler {
  return (buf, s, e, row) => {
    if (e - s <= MAX_NUMBER_DIGITS) {
      const v = scanUint(buf, s, e);
      if (v < 0) return false;
      // Two 32-bit words instead of a BigInt per value: the common counters fit in 2^53.
      slot.u32[row * 2] = v >>> 0;
      slot.u32[row * 2 + 1] = Math.floor(v / TWO_32);
    } else {
      if (e - s > 19 || !allDigits(buf, s, e)) return false;
      const big = BigInt(String.fromCharCode(...buf.subarray(s, e)));
      if (big >= I64_LIMIT) return false;
      slot.i64[row] = big;
    }
    setValid(slot.valid, row);
    return true;
  };
}

/** Two big-endian 16-bit words as one 32-bit number. */
function pair(words: Uint16Array, i: number): number {
  return (((words[i] as number) << 16) | (words[i + 1] as number)) >>> 0;
}

function address(v4: Slot, v6: Slot): FieldHandler {
  const words = new Uint16Array(8);
  return (buf, s, e, row) => {
    const a = scanIPv4(buf, s, e);
    if (a >= 0) {
      v4.u32[row] = a;
      setValid(v4.valid, row);
      return true;
    }
    if (!scanIPv6(buf, s, e, words)) return false;
    // u128 as two 64-bit words, low first; each 64-bit word as two little-endian 32-bit halves.
    const at = row * 4;
    v6.u32[at] = pair(words, 6);
    v6.u32[at + 1] = pair(words, 4);
    v6.u32[at + 2] = pair(words, 2);
    v6.u32[at + 3] = pair(words, 0);
    setValid(v6.valid, row);
    return true;
  };
}

function enumeration(slot: Slot, values: readonly string[]): FieldHandler {
  const match = enumMatcher(values);
  return (buf, s, e, row) => {
    const k = match(buf, s, e);
    if (k < 0) return false;
    slot.u8[row] = k;
    setValid(slot.valid, row);
    return true;
  };
}

function text(slot: Slot, w: BatchWriter): FieldHandler {
  // Most string fields repeat row after row (account, VPC, region, often the interface):
  // comparing with this field's previous token (its bytes as the dictionary keeps them) is
  // cheaper than hashing it.
  let lastId = -1;
  let lastGeneration = -1;
  return (buf, s, e, row) => {
    let id = lastId;
    if (lastGeneration !== w.generation || !w.isDict(id, buf, s, e)) {
      id = w.dict(buf, s, e);
      lastId = id;
      lastGeneration = w.generation;
    }
    slot.u32[row] = id;
    setValid(slot.valid, row);
    return true;
  };
}

/** The handler for one known column, writing into `w`'s current batch. */
export function compileField(c: Column, w: BatchWriter): CompiledField {
  const slots = storageColumnsOf(c).map((s) => w.slot(s.name));
  const [a, b] = slots as [Slot, Slot | undefined];
  switch (c.type) {
    case 'u8':
      return { handle: integer(a, 255, false), slots };
    case 'u16':
      return { handle: integer(a, 65535, true), slots };
    case 'i64':
      return { handle: int64(a), slots };
    case 'time':
      return { handle: time(a), slots };
    case 'ip':
      if (b === undefined) throw new Error(`address column ${c.aws} needs two storage columns`);
      return { handle: address(a, b), slots };
    case 'enum':
      return { handle: enumeration(a, c.values ?? []), slots };
    case 'string':
      return { handle: text(a, w), slots };
    default: {
      const never: never = c.type;
      throw new Error(`unhandled field type ${String(never)}`);
    }
  }
}
