// Reading the check's result rows: numbers that DuckDB returns as bigint, addresses stored as
// numbers, evidence structs with dictionary ids. Only aggregated rows and a few evidence flows
// per finding pass through here, never the flows of the store.

import { formatIPv4, formatIPv6, protocolName, serviceName } from '../flow/index.js';
import type { EvidenceFlow } from './finding.js';
import type { Policy } from './model.js';

export type Row = Readonly<Record<string, unknown>>;

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
export const isoOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : iso(Number(v));

export function address(v4: unknown, v6: unknown): string | null {
  if (v4 !== null && v4 !== undefined) return formatIPv4(Number(v4));
  if (v6 !== null && v6 !== undefined) return formatIPv6(BigInt(v6 as bigint));
  return null;
}

export function segmentName(policy: Policy, code: unknown): string | null {
  const c = numOrNull(code);
  return c === null || c <= 0 ? null : (policy.segments[c - 1]?.name ?? null);
}

/** `tcp/443 (https)`, `udp/53`, `icmp`. */
export function service(protocol: number | null, port: number | null): string {
  if (protocol === null) return 'any';
  const p = protocolName(protocol);
  if (port === null || (protocol !== 6 && protocol !== 17 && protocol !== 132)) return p;
  const name = serviceName(port);
  return `${p}/${port}${name === undefined ? '' : ` (${name})`}`;
}

/** A stable key for a row's columns (bigint and number alike). */
export const keyOf = (row: Row, columns: readonly string[]): string =>
  columns.map((c) => String(row[c] ?? null)).join('|');

/** Dictionary ids referenced by evidence and attachments, to look up once. */
export function dictionaryIds(lists: readonly unknown[], extra: readonly unknown[] = []): number[] {
  const ids = new Set<number>();
  for (const list of lists) {
    for (const e of (list as readonly Row[] | null) ?? []) {
      for (const k of ['interface_id', 'tgw_attachment_id'])
        if (e[k] !== null && e[k] !== undefined) ids.add(Number(e[k]));
    }
  }
  for (const x of extra) if (x !== null && x !== undefined) ids.add(Number(x));
  return [...ids].sort((a, b) => a - b);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function evidenceOf(list: unknown, dict: ReadonlyMap<number, string>): EvidenceFlow[] {
  const text = (id: unknown) => (id === null || id === undefined ? null : (dict.get(Number(id)) ?? null));
  return [...((list as readonly Row[] | null) ?? [])]
    .map((e) => ({
      start: iso(num(e.start)),
      kind: (e.kind === 'tgw' ? 'tgw' : 'vpc') as EvidenceFlow['kind'],
      interface_id: text(e.interface_id),
      tgw_attachment_id: text(e.tgw_attachment_id),
      srcaddr: address(e.srcaddr_v4, e.srcaddr_v6),
      srcport: numOrNull(e.srcport),
      dstaddr: address(e.dstaddr_v4, e.dstaddr_v6),
      dstport: numOrNull(e.dstport),
      pkt_srcaddr: address(e.pkt_srcaddr_v4, e.pkt_srcaddr_v6),
      pkt_dstaddr: address(e.pkt_dstaddr_v4, e.pkt_dstaddr_v6),
      protocol: numOrNull(e.protocol),
      action: (e.action as string | null) ?? null,
      tcp_flags: numOrNull(e.tcp_flags),
      packets: numOrNull(e.packets),
      bytes: numOrNull(e.bytes),
    }))
    .sort(
      (a, b) =>
        cmp(a.start, b.start) ||
        cmp(a.interface_id ?? a.tgw_attachment_id ?? '', b.interface_id ?? b.tgw_attachment_id ?? '') ||
        (a.srcport ?? 0) - (b.srcport ?? 0),
    );
}
