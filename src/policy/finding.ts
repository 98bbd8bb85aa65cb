// What a check reports: findings (a rule broken, an attempt blocked, a flow that stopped, a
// connection silently dropped, TGW loss, a flow log in trouble), each with its evidence.

import type { Severity } from './model.js';

export type FindingKind = 'violation' | 'blocked' | 'stopped' | 'dropped' | 'tgw-loss' | 'health';
export const FINDING_KINDS: readonly FindingKind[] = [
  'violation',
  'blocked',
  'stopped',
  'dropped',
  'tgw-loss',
  'health',
];

/** Rule names of the built-in checks (they need no policy). */
export const BUILTIN = Object.freeze({
  dropped: 'dropped',
  tgwLoss: 'tgw-loss',
  gap: 'flow-log-gap',
  missing: 'flow-log-missing',
});

/** One flow shown as evidence: the fields named as in the store (SQL names). */
export interface EvidenceFlow {
  readonly start: string;
  readonly kind: 'vpc' | 'tgw';
  readonly interface_id: string | null;
  readonly tgw_attachment_id: string | null;
  readonly srcaddr: string | null;
  readonly srcport: number | null;
  readonly dstaddr: string | null;
  readonly dstport: number | null;
  readonly pkt_srcaddr: string | null;
  readonly pkt_dstaddr: string | null;
  readonly protocol: number | null;
  readonly action: string | null;
  readonly tcp_flags: number | null;
  readonly packets: number | null;
  readonly bytes: number | null;
}

/** A stretch of time: a silence of an expectation, or a flow-log gap. ISO-8601 UTC, [from, to). */
export interface Window {
  readonly from: string;
  readonly to: string;
  readonly seconds: number;
  /** health: NODATA and SKIPDATA records in the window */
  readonly nodata?: number;
  readonly skipdata?: number;
  /** health: the longest stretch inside it with no records at all */
  readonly noRecords?: { readonly from: string; readonly to: string; readonly seconds: number };
}

export interface Finding {
  readonly kind: FindingKind;
  /** the rule or expectation name, or a built-in check's */
  readonly rule: string;
  readonly severity: Severity;
  /** one line a person reads */
  readonly title: string;
  /** client and server segments (most specific names); null where none applies */
  readonly from: string | null;
  readonly to: string | null;
  readonly protocol: number | null;
  /** the service port */
  readonly port: number | null;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly flows: number;
  readonly bytes: number;
  readonly evidence: readonly EvidenceFlow[];
  /** blocked attempts: the source that kept trying */
  readonly source?: string;
  /** tgw-loss: the attachment; health: the segment */
  readonly resource?: string;
  /** stopped and health: the silences */
  readonly windows?: readonly Window[];
  /** exceptions that would have covered it but had expired */
  readonly expiredExceptions?: readonly { readonly name: string; readonly expires: string }[];
  /** what else it explains (an expectation silenced by the same flow-log gap) */
  readonly notes?: readonly string[];
}
