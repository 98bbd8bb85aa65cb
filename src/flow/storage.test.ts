// flow_core's protocol code: a permutation of 0-255 that gives the ranked protocols the smallest
// codes, so the stored column bit-packs narrowly, and that every value survives.

import { describe, expect, it } from 'vitest';
import { PROTOCOL_DECODE, PROTOCOL_ENCODE, PROTOCOL_RANK, PROTOCOL_SWAPS } from './storage.js';

describe('the protocol code', () => {
  it('gives TCP, UDP and ICMP the codes 0, 1 and 2', () => {
    expect(PROTOCOL_RANK.map((p) => PROTOCOL_ENCODE[p])).toEqual([0, 1, 2]);
    expect([6, 17, 1].map((p) => PROTOCOL_ENCODE[p])).toEqual([0, 1, 2]);
  });

  it('is a permutation of 0-255 that decodes back to every protocol', () => {
    const all = [...Array(256).keys()];
    expect(new Set(all.map((p) => PROTOCOL_ENCODE[p])).size).toBe(256);
    expect(all.map((p) => PROTOCOL_DECODE[PROTOCOL_ENCODE[p] as number])).toEqual(all);
  });

  it('moves only the ranked protocols and the small numbers they displace', () => {
    const moved = [...Array(256).keys()].filter((p) => PROTOCOL_ENCODE[p] !== p);
    expect(moved.sort((a, b) => a - b)).toEqual([0, 1, 2, 6, 17]);
    for (const [code, p] of PROTOCOL_SWAPS) expect(PROTOCOL_DECODE[code]).toBe(p);
    expect(PROTOCOL_SWAPS.length).toBe(moved.length);
  });
});
