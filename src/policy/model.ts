// The policy as flowsight holds it after loading: segments with numeric codes, rules,
// expectations and exceptions whose segment references are already resolved to code sets.
// Plain frozen data; compile-to-sql.ts and matcher.ts read it, nothing changes it.

import type { Cidr } from '../flow/index.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** How a segment claims flows by the ids of the interface that captured them. */
export type IdKind = 'interface' | 'subnet' | 'vpc' | 'account';

export interface Segment {
  /** `laa-production/private`: `/` nests, the part before a `/` is the parent */
  readonly name: string;
  /** 1..n, dense; segments of one subtree have contiguous codes (see segments.ts) */
  readonly code: number;
  /** index of its top-level segment (the first name component) */
  readonly top: number;
  readonly cidrs: readonly Cidr[];
  readonly ids: Readonly<Record<IdKind, readonly string[]>>;
  readonly description?: string;
  /** built-in (`internet`), declared in the policy, imported from a platform's files, or implied by a child's name */
  readonly origin: 'builtin' | 'declared' | 'imported' | 'implied';
  /** where it was written: file:line:col */
  readonly at: string;
}

/** A set of segment codes a reference resolved to; `any` also covers addresses in no segment. */
export type SegmentSet =
  | { readonly any: true; readonly text: string }
  | { readonly any: false; readonly text: string; readonly codes: readonly number[] };

/** One protocol and a port range; `protocol` null is any protocol (and any port). */
export interface PortRange {
  readonly protocol: number | null;
  readonly from: number;
  readonly to: number;
}

/** Which connections something applies to: client segments, server segments, services. */
export interface Match {
  readonly from: SegmentSet;
  readonly to: SegmentSet;
  /** empty: any protocol and port */
  readonly ports: readonly PortRange[];
  /** `within`: client and server in the same top-level segment; `across`: in different ones */
  readonly scope: 'within' | 'across' | null;
}

interface RuleBase {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly at: string;
}

export interface DenyRule extends RuleBase {
  readonly kind: 'deny';
  readonly match: Match;
  /** also the reverse direction (client in `to`, server in `from`) */
  readonly bothWays: boolean;
  /** REJECTed matches are reported as blocked attempts per source address, from this many flows; null: never */
  readonly blockedMinFlows: number | null;
}

export interface AllowOnlyRule extends RuleBase {
  readonly kind: 'allow-only';
  /** the traffic the rule governs */
  readonly match: Match;
  /** what of it is allowed; any other ACCEPTed connection is a violation */
  readonly allow: readonly Match[];
}

export interface EgressViaRule extends RuleBase {
  readonly kind: 'egress-via';
  readonly match: Match;
  /** where traffic may leave: segments holding the NAT gateways (or firewalls) */
  readonly via: SegmentSet;
}

export type Rule = DenyRule | AllowOnlyRule | EgressViaRule;

export interface Expectation {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly at: string;
  readonly match: Match;
  readonly bothWays: boolean;
  /** only records of this kind count (`tgw`: Transit Gateway attachments) */
  readonly recordKind: 'vpc' | 'tgw' | null;
  /** seconds */
  readonly maxSilence: number;
  /** a flow record counts only with at least this many bytes (a keepalive is not the data flowing) */
  readonly minBytes: number;
  /** one expectation per segment its `from` (or `to`) names, instead of one for all */
  readonly each: 'from' | 'to' | null;
  /** what is checked: one instance, or one per segment `each` names (its label is that name) */
  readonly instances: readonly { readonly label: string; readonly match: Match }[];
}

export interface PolicyException {
  readonly name: string;
  /** names of the rules it exempts from; empty: every rule */
  readonly rules: readonly string[];
  readonly match: Match;
  readonly reason: string;
  readonly owner: string;
  /** epoch seconds: applies to flows that start before it */
  readonly expires: number;
  /** as written, for messages */
  readonly expiresText: string;
  readonly at: string;
}

export interface HealthSpec {
  /** seconds without traffic records in a segment that is a finding */
  readonly gap: number;
  /** top-level segments that should have flow logs (their records are captured there) */
  readonly segments: SegmentSet;
}

export interface Policy {
  readonly file: string;
  readonly description: string;
  /** ordered by code: segments[i].code === i + 1 */
  readonly segments: readonly Segment[];
  /** top-level names, indexed by Segment.top */
  readonly tops: readonly string[];
  readonly rules: readonly Rule[];
  readonly expectations: readonly Expectation[];
  readonly exceptions: readonly PolicyException[];
  readonly health: HealthSpec | null;
  /** evidence flows kept per finding */
  readonly evidence: number;
}

/** The code of the built-in `internet` segment. */
export const internetCode = (p: Policy): number =>
  (p.segments.find((s) => s.name === 'internet') as Segment).code;
