// Labels people read for the values a dimension takes: service names for well-known ports
// (`443 https`), protocol names (`tcp`), a word for a missing value; and a filter term that
// selects a value again, so a click on a row can narrow the view to it.

import { protocolName, serviceName } from '../flow/index.js';

const PORTS = new Set(['srcport', 'dstport', 'port', 'service']);
const PROTOCOLS = new Set(['protocol', 'proto']);

export const NONE_LABEL = '(none)';
export const OTHER_LABEL = 'Other';

/** A JSON-safe value from a DuckDB value: bigints to numbers, timestamps to ISO text. */
export function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** What a missing value means, where it means something. */
const MISSING: Readonly<Record<string, string>> = { action: 'no action (TGW)' };

export function label(dimension: string, v: unknown): string {
  const x = plain(v);
  if (x === null || x === '') return MISSING[dimension] ?? NONE_LABEL;
  if (typeof x === 'number' && PORTS.has(dimension)) {
    const s = serviceName(x);
    return s === undefined ? String(x) : `${x} ${s}`;
  }
  if (typeof x === 'number' && PROTOCOLS.has(dimension)) return protocolName(x);
  return String(x);
}

const quoted = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** A filter term for one value of a dimension; undefined where the language has none. */
export function filterTerm(dimension: string, v: unknown): string | undefined {
  const x = plain(v);
  if (dimension === 'src' || dimension === 'dst') return x === null ? undefined : `${dimension} host ${x}`;
  if (dimension.endsWith('_segment')) return undefined;
  if (dimension === 'kind') return x === null ? undefined : `kind ${x}`;
  if (dimension === 'service') return x === null ? undefined : `port ${x}`;
  if (x === null) return `${dimension} = null`;
  return typeof x === 'number' ? `${dimension} = ${x}` : `${dimension} = ${quoted(String(x))}`;
}

/** Every protocol and port that has a name, for the web client's tables. */
export function labelTables(): { protocols: Record<string, string>; services: Record<string, string> } {
  const protocols: Record<string, string> = {};
  const services: Record<string, string> = {};
  for (let n = 0; n < 256; n++) if (protocolName(n) !== String(n)) protocols[n] = protocolName(n);
  for (let p = 0; p < 65_536; p++) {
    const s = serviceName(p);
    if (s !== undefined) services[p] = s;
  }
  return { protocols, services };
}
