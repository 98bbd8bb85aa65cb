// What both evaluators need, computed once per policy: the address partitions (most specific
// segment per piece of the address line), the id claims, and each segment's top-level index.
// The SQL compiler and the in-memory matcher read the same structures, so they cannot drift.

import type { Family } from '../flow/index.js';
import { internetBlocks, type Piece, partition } from './intervals.js';
import type { IdKind, Policy, Segment } from './model.js';
import { cidrRank, ID_RANK } from './segments.js';

export interface IdClaim {
  readonly kind: IdKind;
  readonly ids: readonly string[];
  readonly code: number;
  readonly rank: number;
}

export interface Compiled {
  readonly pieces: Readonly<Record<Family, readonly Piece[]>>;
  /** id members, most specific first; empty for a policy of CIDRs only */
  readonly claims: readonly IdClaim[];
  /** code -> index of its top-level segment (index 0 of the array is code 0: none) */
  readonly topOf: readonly number[];
  /** codes of `internet` and its children */
  readonly internet: readonly [number, number];
  /** [first, last] code range of each top-level segment, by top index */
  readonly topRanges: readonly (readonly [number, number])[];
}

const cache = new WeakMap<Policy, Compiled>();

/** Shift that packs a rank above a code: leaf = rank * RANKED + code (when the policy has id members). */
export const RANKED = 65536;

function build(policy: Policy): Compiled {
  const segs = policy.segments;
  const blocks = segs.flatMap((s) => s.cidrs.map((cidr) => ({ cidr, rank: cidrRank(cidr), code: s.code })));
  const netCode = (segs.find((s) => s.name === 'internet') as Segment).code;
  // the internet ranks below every declared block, whatever its size (its blocks never overlap)
  const netBlocks = (['v4', 'v6'] as const).flatMap((f) =>
    internetBlocks(f).map((cidr) => ({ cidr, rank: 0, code: netCode })),
  );
  const all = [...netBlocks, ...blocks];
  const claims: IdClaim[] = segs
    .flatMap((s) =>
      (Object.keys(ID_RANK) as IdKind[])
        .filter((k) => s.ids[k].length > 0)
        .map((k) => ({ kind: k, ids: s.ids[k], code: s.code, rank: ID_RANK[k] })),
    )
    .sort((a, b) => b.rank - a.rank);
  const topOf = [-1, ...segs.map((s) => s.top)];
  const topRanges = policy.tops.map((_, i) => {
    const codes = segs.filter((s) => s.top === i).map((s) => s.code);
    return [Math.min(...codes), Math.max(...codes)] as const;
  });
  const last = segs.filter((s) => s.name === 'internet' || s.name.startsWith('internet/')).map((s) => s.code);
  return {
    pieces: { v4: partition('v4', all), v6: partition('v6', all) },
    claims,
    topOf,
    internet: [netCode, Math.max(...last)],
    topRanges,
  };
}

export function compiled(policy: Policy): Compiled {
  let c = cache.get(policy);
  if (c === undefined) {
    c = build(policy);
    cache.set(policy, c);
  }
  return c;
}

/** Is the code a segment the policy declares (not none, not the internet)? */
export function declared(c: Compiled, code: number): boolean {
  return code > 0 && (code < c.internet[0] || code > c.internet[1]);
}
