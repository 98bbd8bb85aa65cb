// The batch-local string dictionary: token bytes -> id into `strings`, each distinct string once.
// ASCII tokens (nearly all: ids, names, regions) are found in an open-addressing table over
// their bytes, so a repeated token costs a hash and a byte compare, never a decoded string.

import type { NativeState, NativeTextLines } from './native.js';
import { asciiString, decodeText } from './scan.js';

export interface Dictionary {
  /** the id of the token's text, adding it on first sight */
  id(buf: Uint8Array, s: number, e: number): number;
  /** whether the token's text is that of `id` (false for ids of non-ASCII strings) */
  is(id: number, buf: Uint8Array, s: number, e: number): boolean;
}

export function createDictionary(strings: string[]): Dictionary {
  let table = new Int32Array(1024); // id + 1; 0 = empty slot
  let hashes = new Int32Array(256); // by id
  let offsets = new Int32Array(256); // by id: where its bytes start in `pool`; -1 for non-ASCII strings
  let lengths = new Int32Array(256); // by id: its byte length in `pool` (no string is read to compare)
  let pool = new Uint8Array(16384);
  let used = 0;
  let ascii = 0; // entries in `table`
  const nonAscii = new Map<string, number>();

  const place = (h: number, id: number): void => {
    const mask = table.length - 1;
    let k = h & mask;
    while (table[k] !== 0) k = (k + 1) & mask;
    table[k] = id + 1;
  };
  const grow = (): void => {
    const old = table;
    table = new Int32Array(old.length * 2);
    for (const slot of old) if (slot !== 0) place(hashes[slot - 1] as number, slot - 1);
  };
  const doubled = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  const add = (text: string, h: number, offset: number, length: number): number => {
    const id = strings.length;
    strings.push(text);
    if (id === hashes.length) {
      hashes = doubled(hashes);
      offsets = doubled(offsets);
      lengths = doubled(lengths);
    }
    hashes[id] = h;
    offsets[id] = offset;
    lengths[id] = length;
    return id;
  };
  /** the token's bytes equal the pooled bytes of `id` */
  const same = (id: number, buf: Uint8Array, s: number, len: number): boolean => {
    const o = offsets[id] as number;
    if (o < 0 || lengths[id] !== len) return false;
    let i = 0;
    while (i < len && pool[o + i] === buf[s + i]) i++;
    return i === len;
  };

  return {
    id(buf, s, e) {
      const len = e - s;
      let h = 0x811c9dc5 | 0; // int32, as `hashes` keeps it (an empty token hashes to this)
      let high = 0;
      for (let i = s; i < e; i++) {
        const c = buf[i] as number;
        high |= c;
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (high > 127) {
        const text = decodeText(buf, s, e);
        const known = nonAscii.get(text);
        if (known !== undefined) return known;
        const id = add(text, 0, -1, -1);
        nonAscii.set(text, id);
        return id;
      }
      const mask = table.length - 1;
      for (let k = h & mask; table[k] !== 0; k = (k + 1) & mask) {
        const id = (table[k] as number) - 1;
        if (hashes[id] === h && same(id, buf, s, len)) return id;
      }
      if (used + len > pool.length) {
        const bigger = new Uint8Array(Math.max(pool.length * 2, used + len));
        bigger.set(pool.subarray(0, used));
        pool = bigger;
      }
      pool.set(buf.subarray(s, e), used);
      const id = add(asciiString(buf, s, e), h, used, len);
      used += len;
      place(h, id);
      if (++ascii * 2 > table.length) grow();
      return id;
    },
    is: (id, buf, s, e) => id < strings.length && same(id, buf, s, e - s),
  };
}

/**
 * The dictionary of a batch the native text path also writes: the addon keeps the ASCII strings
 * (both paths must give one string one id), and non-ASCII strings, which the addon hands back,
 * are decoded here. Ids are positions in `strings` either way.
 */
export function nativeDictionary(m: NativeTextLines, state: NativeState, strings: string[]): Dictionary {
  const nonAscii = new Map<string, number>();
  const id = (buf: Uint8Array, s: number, e: number): number => {
    let high = 0;
    for (let i = s; i < e; i++) high |= buf[i] as number;
    if (high <= 127) return m.dictId(state, buf, s, e);
    const text = decodeText(buf, s, e);
    let known = nonAscii.get(text);
    if (known === undefined) {
      known = strings.length;
      strings.push(text);
      nonAscii.set(text, known);
    }
    return known;
  };
  return { id, is: (want, buf, s, e) => id(buf, s, e) === want };
}
