// The check's answer: findings in a stable order and a summary (range, counts per kind, which
// exceptions have expired by now, flow-log health per segment, pass or fail).

import type { CheckRequest } from './check-queries.js';
import type { Bounds } from './check-silence.js';
import { BUILTIN, FINDING_KINDS, type Finding, type FindingKind } from './finding.js';
import { healthFindings, stoppedFindings } from './findings-silence.js';
import { droppedFindings, ruleFindings, tgwLossFindings } from './findings-traffic.js';
import { type Policy, SEVERITIES } from './model.js';
import { iso, isoOrNull, num, type Row } from './result-rows.js';

export interface CheckRows {
  readonly extent: Row;
  readonly bounds: Bounds;
  readonly rules: readonly Row[];
  readonly evidence: readonly Row[];
  readonly expectations: readonly Row[];
  readonly health: readonly Row[];
  readonly dropped: readonly Row[];
  readonly tgwLoss: readonly Row[];
  readonly dictionary: readonly Row[];
}

export interface CheckSummary {
  readonly policy: string;
  /** the flows checked: [since, until), and the time silences were judged up to */
  readonly range: {
    readonly since: string | null;
    readonly until: string | null;
    readonly horizon: string | null;
  };
  readonly flows: number;
  readonly records: number;
  readonly findings: number;
  readonly byKind: Readonly<Record<FindingKind, number>>;
  /** findings of the kinds that fail the check */
  readonly failing: number;
  readonly failOn: readonly FindingKind[];
  readonly pass: boolean;
  readonly exceptions: readonly {
    readonly name: string;
    readonly owner: string;
    readonly reason: string;
    readonly expires: string;
    readonly status: 'active' | 'expired';
  }[];
  /** every rule, expectation and built-in check, with its number of findings (a check that found nothing passed) */
  readonly rules: readonly {
    readonly name: string;
    readonly kind: 'deny' | 'allow-only' | 'egress-via' | 'expectation' | 'built-in';
    readonly severity: string;
    readonly description: string;
    readonly findings: number;
  }[];
  /** per watched segment: traffic flows captured there, NODATA and SKIPDATA records */
  readonly health: readonly {
    readonly segment: string;
    readonly flows: number;
    readonly nodata: number;
    readonly skipdata: number;
  }[];
}

export interface CheckResult {
  readonly findings: readonly Finding[];
  readonly summary: CheckSummary;
}

export const DEFAULT_FAIL_ON: readonly FindingKind[] = FINDING_KINDS.filter((k) => k !== 'blocked');

/** Nulls first, then ascending. */
function by<T extends string | number>(a: T | null | undefined, b: T | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}

/**
 * A total order: findings that read the same (an ICMP finding's title names no port, say) still
 * come out in one order whichever way the check reached them, by their segments, service, first
 * flow, source and resource.
 */
export function findingOrder(a: Finding, b: Finding): number {
  return (
    FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    by(a.rule, b.rule) ||
    b.flows - a.flows ||
    by(a.title, b.title) ||
    by(a.from, b.from) ||
    by(a.to, b.to) ||
    by(a.protocol, b.protocol) ||
    by(a.port, b.port) ||
    by(a.firstSeen, b.firstSeen) ||
    by(a.source, b.source) ||
    by(a.resource, b.resource)
  );
}

export function checkResult(policy: Policy, req: CheckRequest, rows: CheckRows): CheckResult {
  const dict = new Map(rows.dictionary.map((r) => [num(r.id), String(r.value)]));
  const health = healthFindings(policy, rows.health);
  const healthList = [...health.findings];
  const stopped = stoppedFindings(policy, rows.expectations, healthList);
  const findings = [
    ...ruleFindings(policy, rows.rules, rows.evidence, dict),
    ...stopped,
    ...droppedFindings(policy, rows.dropped, dict),
    ...tgwLossFindings(policy, rows.tgwLoss, dict),
    ...healthList,
  ].sort(findingOrder);
  const byKind = Object.fromEntries(
    FINDING_KINDS.map((k) => [k, findings.filter((f) => f.kind === k).length]),
  ) as Record<FindingKind, number>;
  const failOn = req.failOn ?? DEFAULT_FAIL_ON;
  const failing = findings.filter((f) => failOn.includes(f.kind)).length;
  return {
    findings,
    summary: {
      policy: policy.file,
      range: {
        since: iso(req.since ?? rows.bounds.start),
        until: req.until === undefined ? isoOrNull(rows.extent.t_last) : iso(req.until),
        horizon: iso(rows.bounds.horizon),
      },
      flows: num(rows.extent.flows),
      records: num(rows.extent.records),
      findings: findings.length,
      byKind,
      failing,
      failOn,
      pass: failing === 0,
      exceptions: policy.exceptions.map((e) => ({
        name: e.name,
        owner: e.owner,
        reason: e.reason,
        expires: e.expiresText,
        status: e.expires <= req.now ? 'expired' : 'active',
      })),
      rules: rulesOf(policy, findings),
      health: health.totals,
    },
  };
}

const BUILTIN_RULES: readonly (readonly [string, string, string])[] = [
  [BUILTIN.dropped, 'medium', 'accepted TCP SYNs never answered: a silent drop, often a firewall'],
  [BUILTIN.tgwLoss, 'high', 'Transit Gateway packets lost (no route, blackhole, MTU, TTL)'],
  [BUILTIN.gap, 'high', 'a watched segment whose flow log stopped delivering for longer than the health gap'],
  [BUILTIN.missing, 'high', 'a watched segment with no flow-log records at all'],
];

function rulesOf(policy: Policy, findings: readonly Finding[]): CheckSummary['rules'] {
  const count = (name: string) => findings.filter((f) => f.rule === name).length;
  // without a health section there are no watched segments: the health checks do not run
  const skipped: readonly string[] = policy.health === null ? [BUILTIN.gap, BUILTIN.missing] : [];
  return [
    ...policy.rules.map((r) => ({
      name: r.name,
      kind: r.kind,
      severity: r.severity,
      description: r.description,
      findings: count(r.name),
    })),
    ...policy.expectations.map((e) => ({
      name: e.name,
      kind: 'expectation' as const,
      severity: e.severity,
      description: e.description,
      findings: count(e.name),
    })),
    ...BUILTIN_RULES.filter(([name]) => !skipped.includes(name)).map(([name, severity, description]) => ({
      name,
      kind: 'built-in' as const,
      severity,
      description,
      findings: count(name),
    })),
  ];
}
