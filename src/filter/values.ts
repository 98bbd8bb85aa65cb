// Reads one value of a filter from its text, for the field it is compared with: numbers with
// k/M/G/T (x1000) and KiB/MiB/GiB/TiB (x1024) suffixes, ISO-8601 UTC times or epoch seconds,
// ports and port ranges, protocols by name, enums case-insensitively, addresses and CIDRs.
// Returns the typed value or a Problem; the parser adds the position.

import { type Cidr, type Column, PROTOCOL_NAMES, parseCidr, protocolNumber } from '../flow/index.js';
import type { FieldValue, PortRange } from './ast.js';
import { suggest } from './fields.js';

export interface Problem {
  readonly problem: string;
  readonly hint?: string;
}

export function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && 'problem' in v;
}

const bad = (problem: string, hint: string): Problem => ({ problem, hint });

const SUFFIX: Readonly<Record<string, bigint>> = {
  '': 1n,
  k: 1000n,
  m: 1000n ** 2n,
  g: 1000n ** 3n,
  t: 1000n ** 4n,
  kib: 1024n,
  mib: 1024n ** 2n,
  gib: 1024n ** 3n,
  tib: 1024n ** 4n,
};
const NUMBER_HINT =
  'write a whole number, optionally with k, M, G, T (x1000) or KiB, MiB, GiB, TiB (x1024): 1.5M';

/** `1.5M` -> 1500000n; suffixes are case-insensitive; the result must be a whole number. */
export function parseNumber(text: string): bigint | Problem {
  const m = /^(\d+)(?:\.(\d+))?([a-z]*)$/i.exec(text);
  const factor = m === null ? undefined : SUFFIX[(m[3] as string).toLowerCase()];
  if (m === null || factor === undefined) return bad(`'${text}' is not a number`, NUMBER_HINT);
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const scaled = BigInt(`${m[1]}${frac}`) * factor;
  if (scaled % scale !== 0n) return bad(`'${text}' is not a whole number`, NUMBER_HINT);
  return scaled / scale;
}

function bounded(text: string, max: bigint, what: string): bigint | Problem {
  const n = parseNumber(text);
  if (isProblem(n) || n <= max) return n;
  return bad(`${what} '${text}' is out of range`, `${what}s are whole numbers from 0 to ${max}`);
}

function port(text: string): number | Problem {
  if (!/^\d+$/.test(text)) return bad(`'${text}' is not a port`, 'ports are whole numbers from 0 to 65535');
  const n = bounded(text, 65535n, 'port');
  return isProblem(n) ? n : Number(n);
}

/** `443` or `1024-65535`. */
export function parsePortRange(text: string): PortRange | Problem {
  const parts = text.split('-');
  if (parts.length > 2)
    return bad(`'${text}' is not a port or a range`, 'write a port (443) or a range (1024-65535)');
  const from = port(parts[0] as string);
  const to = parts.length === 2 ? port(parts[1] as string) : from;
  if (isProblem(from)) return from;
  if (isProblem(to)) return to;
  if (from > to) return bad(`port range '${text}' runs backwards`, `write it low to high: ${to}-${from}`);
  return { from, to };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z)?)?$/i;
const TIME_HINT = 'use ISO-8601 UTC (2026-11-29T10:00:00Z or 2026-11-29) or epoch seconds';

/** ISO-8601 UTC (date, or date and time ending in Z) or epoch seconds -> epoch seconds. */
export function parseTime(text: string): number | Problem {
  if (/^\d+$/.test(text)) {
    const n = bounded(text, 0xffffffffn, 'epoch second');
    return isProblem(n) ? n : Number(n);
  }
  const m = ISO.exec(text);
  if (m === null) return bad(`'${text}' is not a time`, TIME_HINT);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', z] = m;
  if (m[4] !== undefined && z === undefined)
    return bad(`'${text}' has no time zone`, 'times are UTC: end it with Z');
  if (/[1-9]/.test(frac)) return bad(`'${text}' has a fraction of a second`, 'times are whole seconds');
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // Date.UTC rolls 2026-02-30 over to March: a round trip catches impossible dates and times
  const same = new Date(ms).toISOString().startsWith(`${y}-${mo}-${d}T${h}:${mi}:${s}`);
  if (!same || ms < 0 || ms / 1000 > 0xffffffff) return bad(`'${text}' is not a valid time`, TIME_HINT);
  return ms / 1000;
}

export function parseProtocol(text: string): number | Problem {
  const n = protocolNumber(text);
  if (n !== undefined) return n;
  const close = suggest(text.toLowerCase(), PROTOCOL_NAMES);
  if (close !== undefined) return bad(`unknown protocol '${text}'`, `did you mean ${close}?`);
  return bad(
    `unknown protocol '${text}'`,
    `use a number from 0 to 255 or one of ${PROTOCOL_NAMES.join(', ')}`,
  );
}

/** The canonical spelling of a word of a closed set, matched case-insensitively. */
export function parseWord(text: string, values: readonly string[], what: string): string | Problem {
  const found = values.find((v) => v.toLowerCase() === text.toLowerCase());
  return found ?? bad(`'${text}' is not a ${what}`, `one of ${values.join(', ')}`);
}

/** An address (`10.1.2.3`, a /32 or /128) or a CIDR block (`10.27.64.0/21`). */
export function parseBlock(text: string): Cidr | Problem {
  const c = parseCidr(text);
  return 'error' in c ? bad(`invalid address or network '${text}'`, c.error) : c;
}

function integer(text: string, max: bigint, c: Column): number | Problem {
  const n = bounded(text, max, `${c.sql} value`);
  return isProblem(n) ? n : Number(n);
}

/** The typed value of `text` for column `c`. */
export function parseFieldValue(c: Column, text: string): FieldValue | Problem {
  switch (c.type) {
    case 'ip':
      return parseBlock(text);
    case 'u8':
      return c.sql === 'protocol' ? parseProtocol(text) : integer(text, 255n, c);
    case 'u16':
      return integer(text, 65535n, c);
    case 'i64':
      return bounded(text, 2n ** 63n - 1n, `${c.sql} value`);
    case 'time':
      return parseTime(text);
    case 'enum':
      return parseWord(text, c.values ?? [], `value of ${c.sql}`);
    case 'string':
      return text;
    default: {
      const never: never = c.type;
      throw new Error(`unhandled field type ${String(never)}`);
    }
  }
}
