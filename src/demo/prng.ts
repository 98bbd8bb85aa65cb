// The demo's only source of randomness: sfc32 seeded through splitmix32, forked by label so
// that one part of the generator (the topology, the traffic) draws from its own stream and a
// change in one part does not reshuffle the others. Pure: same seed, same numbers.

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [lo, hi] (inclusive) */
  int(lo: number, hi: number): number;
  /** integer in [lo, hi], log-uniform: many small values, a long tail of big ones */
  logInt(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** n lowercase hex digits */
  hex(n: number): string;
}

/** FNV-1a over a string: a stable 32-bit hash for labels and file-name hashes. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const HEX = '0123456789abcdef';

/** A generator for `seed`, forked by `label` (different labels give independent streams). */
export function createRng(seed: number, label = ''): Rng {
  const init = splitmix32(hash32(`${seed >>> 0}:${Math.floor(seed / 2 ** 32)}:${label}`));
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next32();
  const next = (): number => next32() / 4294967296;
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    logInt: (lo, hi) =>
      Math.min(hi, Math.floor(Math.exp(Math.log(lo) + next() * (Math.log(hi + 1) - Math.log(lo))))),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += HEX[next32() & 15];
      return s;
    },
  };
}
