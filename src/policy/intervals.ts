// Address blocks -> one partition of the address line per family, each piece carrying the code
// of the most specific segment that holds it (0: none). CIDR blocks nest or are disjoint, so a
// sweep with a stack finds the innermost block of every piece. The SQL tree and the in-memory
// matcher both search this same partition, which is what keeps them in agreement.
//
// `internet` is built in: every address outside the ranges below. Private space (RFC 1918), the
// shared address space of carrier-grade NAT (100.64.0.0/10), loopback, link-local, multicast,
// benchmarking and reserved ranges never route on the internet. The documentation ranges
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) do count as internet: AWS's
// own examples use them as public addresses, and so do tests.

import { type Cidr, type Family, parseCidr } from '../flow/index.js';

export const NOT_INTERNET: Readonly<Record<Family, readonly string[]>> = {
  v4: [
    '0.0.0.0/8', // "this network"
    '10.0.0.0/8', // RFC 1918
    '100.64.0.0/10', // shared address space (RFC 6598)
    '127.0.0.0/8', // loopback
    '169.254.0.0/16', // link-local (instance metadata, Time Sync)
    '172.16.0.0/12', // RFC 1918
    '192.0.0.0/24', // IETF protocol assignments
    '192.168.0.0/16', // RFC 1918
    '198.18.0.0/15', // benchmarking
    '224.0.0.0/4', // multicast
    '240.0.0.0/4', // reserved, and the broadcast address
  ],
  v6: [
    '::/8', // unspecified, loopback, IPv4-mapped
    'fc00::/7', // unique local
    'fe80::/10', // link-local
    'ff00::/8', // multicast
  ],
};

export const BITS: Readonly<Record<Family, number>> = { v4: 32, v6: 128 };

/** A block with the rank of its segment's claim (higher wins) and the segment's code. */
export interface RankedBlock {
  readonly cidr: Cidr;
  readonly rank: number;
  readonly code: number;
}

/** A piece of the partition: [first, last] inclusive. */
export interface Piece {
  readonly first: bigint;
  readonly last: bigint;
  readonly code: number;
  readonly rank: number;
}

/** The CIDR blocks covering [first, last] exactly (largest aligned blocks first). */
export function rangeToCidrs(family: Family, first: bigint, last: bigint): Cidr[] {
  const bits = BITS[family];
  const out: Cidr[] = [];
  let at = first;
  while (at <= last) {
    let size = 0;
    while (
      size < bits &&
      (at & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      at + (1n << BigInt(size + 1)) - 1n <= last
    )
      size++;
    const end = at + (1n << BigInt(size)) - 1n;
    out.push({ family, first: at, last: end, prefix: bits - size, text: '' });
    at = end + 1n;
  }
  return out;
}

/** The internet's blocks for a family: the complement of NOT_INTERNET. */
export function internetBlocks(family: Family): Cidr[] {
  const special = NOT_INTERNET[family]
    .map((t) => parseCidr(t) as Cidr)
    .sort((a, b) => (a.first < b.first ? -1 : 1));
  const out: Cidr[] = [];
  let at = 0n;
  for (const s of special) {
    if (s.first > at) out.push(...rangeToCidrs(family, at, s.first - 1n));
    at = s.last + 1n;
  }
  const top = (1n << BigInt(BITS[family])) - 1n;
  if (at <= top) out.push(...rangeToCidrs(family, at, top));
  return out;
}

/** Blocks sorted so that a block comes before the blocks it contains. */
function nestedOrder(a: RankedBlock, b: RankedBlock): number {
  if (a.cidr.first !== b.cidr.first) return a.cidr.first < b.cidr.first ? -1 : 1;
  return a.cidr.prefix - b.cidr.prefix || b.rank - a.rank;
}

/** The partition of one family's address line (gaps have code 0), adjacent pieces of one code merged. */
export function partition(family: Family, blocks: readonly RankedBlock[]): Piece[] {
  const sorted = blocks.filter((b) => b.cidr.family === family).sort(nestedOrder);
  const pieces: Piece[] = [];
  const push = (first: bigint, last: bigint, code: number, rank: number) => {
    if (first > last) return;
    const prev = pieces[pieces.length - 1];
    if (prev !== undefined && prev.code === code && prev.rank === rank && prev.last + 1n === first) {
      pieces[pieces.length - 1] = { ...prev, last };
    } else pieces.push({ first, last, code, rank });
  };
  const stack: RankedBlock[] = [];
  let at = 0n;
  const close = (until: bigint) => {
    // emit up to `until` (exclusive), popping blocks that end before it
    while (at < until) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        push(at, until - 1n, 0, -1);
        at = until;
      } else {
        const end = top.cidr.last + 1n < until ? top.cidr.last + 1n : until;
        push(at, end - 1n, top.code, top.rank);
        at = end;
        if (at > top.cidr.last) stack.pop();
      }
    }
    while (stack.length > 0 && (stack[stack.length - 1] as RankedBlock).cidr.last < at) stack.pop();
  };
  for (const b of sorted) {
    close(b.cidr.first);
    // blocks nest (CIDRs); one inside a block of higher rank (the internet's inside a declared
    // 0.0.0.0/0) stays hidden, blocks inside it may still show
    const top = stack[stack.length - 1];
    if (top === undefined || b.rank > top.rank) stack.push(b);
  }
  close((1n << BigInt(BITS[family])) - 1n + 1n);
  return pieces;
}

/** The piece holding an address (binary search), or undefined in an empty partition. */
export function pieceOf(pieces: readonly Piece[], address: bigint): Piece | undefined {
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((pieces[mid] as Piece).first <= address) lo = mid;
    else hi = mid - 1;
  }
  return pieces[lo];
}
