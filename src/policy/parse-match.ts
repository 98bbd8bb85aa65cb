// The parts every rule, expectation and exception shares: `from`, `to`, `ports`, `within` /
// `across`. Ports are written protocol/port: `tcp/443`, `tcp/49152-65535`, `udp/53`, `tcp` (any
// port), `icmp`, `any`.

import { protocolNumber } from '../flow/index.js';
import type { Match, PortRange, SegmentSet } from './model.js';
import type { RefText } from './segments.js';
import { boolean, list, policyError, text, type Value } from './yaml-reader.js';

export type Resolve = (refs: readonly RefText[], text?: string) => SegmentSet;

/** The keys a match reads, for `fields()` lists. */
export const MATCH_KEYS = ['from', 'to', 'ports', 'within', 'across'] as const;

export function refsOf(v: Value | undefined): readonly RefText[] {
  return v === undefined ? [] : list(v).map((x) => ({ text: text(x), at: x.at }));
}

function portNumber(t: string, v: Value): number {
  if (!/^\d{1,5}$/.test(t) || Number(t) > 65535) {
    throw policyError(
      'policy.bad-value',
      `'${t}' in ${v.path} is not a port from 0 to 65535`,
      v.at,
      'write tcp/443 or tcp/1024-65535',
    );
  }
  return Number(t);
}

export function portRange(v: Value): PortRange {
  const t = text(v).toLowerCase();
  if (t === 'any') return { protocol: null, from: 0, to: 65535 };
  const [protoText, portText] = t.split('/', 2) as [string, string | undefined];
  const protocol = protocolNumber(protoText);
  if (protocol === undefined || /^\d+$/.test(protoText)) {
    const hint = /^\d+(-\d+)?$/.test(t)
      ? `write the protocol too: tcp/${t} or udp/${t}`
      : 'write protocol/port: tcp/443, udp/53, tcp/1024-65535, icmp, or any';
    throw policyError('policy.bad-value', `'${text(v)}' in ${v.path} is not a protocol/port`, v.at, hint);
  }
  if (portText === undefined || portText === '') return { protocol, from: 0, to: 65535 };
  const [a, b] = portText.split('-', 2) as [string, string | undefined];
  const from = portNumber(a, v);
  const to = b === undefined ? from : portNumber(b, v);
  if (to < from)
    throw policyError(
      'policy.bad-value',
      `'${text(v)}' in ${v.path} is an empty range`,
      v.at,
      `write the lower port first: ${protoText}/${to}-${from}`,
    );
  return { protocol, from, to };
}

/** A match from the fields of a mapping; `defaults` fill `from`/`to` when absent. */
export function readMatch(
  f: ReadonlyMap<string, Value>,
  resolve: Resolve,
  defaults: { readonly from?: string; readonly to?: string } = {},
): Match {
  const side = (key: 'from' | 'to'): SegmentSet => {
    const v = f.get(key);
    const d = defaults[key];
    if (v === undefined && d !== undefined) return resolve([{ text: d, at: '' }]);
    return resolve(refsOf(v));
  };
  const within = f.get('within');
  const across = f.get('across');
  if (within !== undefined && across !== undefined && boolean(within) && boolean(across)) {
    throw policyError(
      'policy.invalid',
      `${within.path} and across cannot both be true`,
      within.at,
      'keep one: within (same top-level segment) or across (different ones)',
    );
  }
  const scope =
    within !== undefined && boolean(within)
      ? 'within'
      : across !== undefined && boolean(across)
        ? 'across'
        : null;
  const ports = f.get('ports');
  return {
    from: side('from'),
    to: side('to'),
    ports: ports === undefined ? [] : list(ports).map(portRange),
    scope,
  };
}

/** Does (protocol, port) fall in the ranges? No ranges: anything does. */
export function portsMatch(ranges: readonly PortRange[], protocol: number, port: number): boolean {
  if (ranges.length === 0) return true;
  return ranges.some(
    (r) => r.protocol === null || (r.protocol === protocol && port >= r.from && port <= r.to),
  );
}
