// The segment table: declared and imported segments, the parents their names imply, and the
// built-in `internet`, sorted by name path so that every subtree has contiguous codes (a
// reference to `laa-production` is the code range of it and its descendants). Also the ranks
// that decide "most specific": a CIDR by its prefix, an id as the block AWS gives it.

import type { Cidr } from '../flow/index.js';
import { internetBlocks, type RankedBlock } from './intervals.js';
import type { IdKind, Segment } from './model.js';
import { policyError } from './yaml-reader.js';

/** A segment reference as written: a name, a glob (`*-production`, `*\/private`) or `any`. */
export interface RefText {
  readonly text: string;
  readonly at: string;
}

export interface SegmentDef {
  readonly name: string;
  readonly at: string;
  readonly cidrs: readonly Cidr[];
  readonly ids: Readonly<Record<IdKind, readonly string[]>>;
  readonly include: readonly RefText[];
  readonly description?: string;
  readonly origin: 'declared' | 'imported';
}

export const NO_IDS: Readonly<Record<IdKind, readonly string[]>> = Object.freeze({
  interface: [],
  subnet: [],
  vpc: [],
  account: [],
});

export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
export const RESERVED = ['any', 'internet'] as const;

/**
 * Ranks (higher wins). An id counts as the block AWS gives it: an interface a /32, a subnet a
 * /24, a VPC a /16, an account a /8. A CIDR beats an id of the same size, and a longer prefix
 * beats a shorter one. IPv6 prefixes count 40 bits shorter (a /56 VPC is like a /16), capped at
 * 32. The built-in internet ranks below everything declared.
 */
export const ID_RANK: Readonly<Record<IdKind, number>> = {
  interface: 32000,
  subnet: 24000,
  vpc: 16000,
  account: 8000,
};

export function cidrRank(c: Cidr): number {
  const equivalent = c.family === 'v4' ? c.prefix : Math.min(32, Math.max(0, c.prefix - 40));
  return equivalent * 1000 + 500 + c.prefix;
}

const pathOrder = (a: string, b: string): number => {
  const [x, y] = [a.split('/'), b.split('/')];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
  }
  return x.length - y.length;
};

export interface SegmentTable {
  readonly segments: readonly Segment[];
  readonly tops: readonly string[];
  /** name -> segment */
  readonly byName: ReadonlyMap<string, Segment>;
  /** name -> the references it includes (groups) */
  readonly includes: ReadonlyMap<string, readonly RefText[]>;
  /** every block with its rank and code, the internet's included */
  readonly blocks: readonly RankedBlock[];
  /** the last code of each segment's subtree (its own code when it has no children) */
  readonly subtreeEnd: ReadonlyMap<string, number>;
}

function checkDuplicates(defs: readonly SegmentDef[]): void {
  const seen = new Map<string, SegmentDef>();
  for (const d of defs) {
    const before = seen.get(d.name);
    if (before !== undefined) {
      throw policyError(
        'policy.invalid',
        `segment '${d.name}' is defined twice (first at ${before.at})`,
        d.at,
        'merge the two definitions, or rename one',
      );
    }
    seen.set(d.name, d);
  }
}

function checkBlocks(
  blocks: readonly RankedBlock[],
  names: readonly string[],
  defs: readonly SegmentDef[],
): void {
  const seen = new Map<string, number>();
  for (const b of blocks) {
    if (names[b.code - 1] === 'internet') continue;
    const key = `${b.cidr.family}:${b.cidr.first}/${b.cidr.prefix}`;
    const other = seen.get(key);
    if (other !== undefined && other !== b.code) {
      const [a, c] = [names[other - 1] as string, names[b.code - 1] as string];
      const def = defs.find((d) => d.name === c);
      throw policyError(
        'policy.invalid',
        `${b.cidr.text} is in both '${a}' and '${c}'`,
        def?.at ?? '',
        'a block belongs to one segment: make one of them a child (a/b) or remove the block from one',
      );
    }
    seen.set(key, b.code);
  }
}

export function segmentTable(defs: readonly SegmentDef[]): SegmentTable {
  checkDuplicates(defs);
  const byDef = new Map(defs.map((d) => [d.name, d]));
  const names = new Set<string>(['internet', ...defs.map((d) => d.name)]);
  for (const n of [...names]) {
    const parts = n.split('/');
    for (let i = 1; i < parts.length; i++) names.add(parts.slice(0, i).join('/'));
  }
  const sorted = [...names].sort(pathOrder);
  const tops = [...new Set(sorted.map((n) => n.split('/')[0] as string))];
  const segments: Segment[] = sorted.map((name, i) => {
    const d = byDef.get(name);
    const top = tops.indexOf(name.split('/')[0] as string);
    const origin = name === 'internet' ? 'builtin' : (d?.origin ?? 'implied');
    return Object.freeze({
      name,
      code: i + 1,
      top,
      cidrs: d?.cidrs ?? [],
      ids: d?.ids ?? NO_IDS,
      ...(d?.description === undefined ? {} : { description: d.description }),
      origin,
      at: d?.at ?? '',
    });
  });
  const byName = new Map(segments.map((s) => [s.name, s]));
  const subtreeEnd = new Map<string, number>();
  for (const s of segments) {
    let end = s.code;
    while (end < segments.length && (segments[end] as Segment).name.startsWith(`${s.name}/`)) end++;
    subtreeEnd.set(s.name, end);
  }
  const internet = byName.get('internet') as Segment;
  const blocks: RankedBlock[] = [
    ...(['v4', 'v6'] as const).flatMap((f) =>
      internetBlocks(f).map((cidr) => ({ cidr, rank: cidr.prefix, code: internet.code })),
    ),
    ...segments.flatMap((s) => s.cidrs.map((cidr) => ({ cidr, rank: cidrRank(cidr), code: s.code }))),
  ];
  checkBlocks(blocks, sorted, defs);
  const includes = new Map(defs.filter((d) => d.include.length > 0).map((d) => [d.name, d.include]));
  return { segments, tops, byName, includes, blocks, subtreeEnd };
}
