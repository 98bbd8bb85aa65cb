// IPv4/IPv6 text <-> numbers, and CIDR blocks as inclusive numeric ranges.
// IPv4 is a 32-bit unsigned number; IPv6 a 128-bit bigint.

export type Family = 'v4' | 'v6';

export interface Address {
  readonly family: Family;
  /** IPv4: 0..2^32-1 as bigint too, so both families share range math */
  readonly value: bigint;
}

export interface Cidr {
  readonly family: Family;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
  /** canonical text: network address / prefix */
  readonly text: string;
}

/** Parses dotted IPv4; undefined when the text is not exactly four 0-255 decimal parts. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^\d+$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Parses IPv6 (with `::` and an optional trailing dotted IPv4); undefined when invalid. */
export function parseIPv6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let words: number[] = [];
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return undefined;
  const parseSide = (side: string): number[] | undefined => {
    if (side === '') return [];
    const out: number[] = [];
    const parts = side.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(Number.parseInt(p, 16));
      }
    }
    return out;
  };
  if (dbl >= 0) {
    const head = parseSide(text.slice(0, dbl));
    const tail = parseSide(text.slice(dbl + 2));
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseSide(text);
    if (all === undefined || all.length !== 8) return undefined;
    words = all;
  }
  let v = 0n;
  for (const w of words) v = (v << 16n) | BigInt(w);
  return v;
}

/** Parses either family. */
export function parseAddress(text: string): Address | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 'v4', value: BigInt(v4) };
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return { family: 'v6', value: v6 };
  return undefined;
}

export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>= 2) of zero words as `::`. */
export function formatIPv6(v: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatAddress(a: Address): string {
  return a.family === 'v4' ? formatIPv4(Number(a.value)) : formatIPv6(a.value);
}

/**
 * Parses `10.27.64.0/21`, `2001:db8::/32`, or a bare address (a /32 or /128).
 * Host bits set below the prefix are rejected: `10.27.64.1/21` is almost always a typo.
 */
export function parseCidr(text: string): Cidr | { error: string } {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseAddress(addrText);
  if (addr === undefined) return { error: `'${addrText}' is not an IPv4 or IPv6 address` };
  const bits = addr.family === 'v4' ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits)
      return { error: `'/${p}' is not a prefix length from 0 to ${bits}` };
    prefix = Number(p);
  }
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  if ((addr.value & mask) !== 0n) {
    const net = formatAddress({ family: addr.family, value: addr.value & ~mask });
    return { error: `'${text}' has host bits set below /${prefix}; the network is ${net}/${prefix}` };
  }
  return {
    family: addr.family,
    first: addr.value,
    last: addr.value | mask,
    prefix,
    text: `${formatAddress(addr)}/${prefix}`,
  };
}

/** True when the address lies in the block. */
export function cidrContains(c: Cidr, a: Address): boolean {
  return c.family === a.family && a.value >= c.first && a.value <= c.last;
}
