// Findings about traffic: rule violations and blocked attempts (with their evidence and any
// expired exception that would have covered them), silently dropped connections, TGW loss.

import { FINDING_KEY } from './check-rules.js';
import { BUILTIN, type Finding } from './finding.js';
import type { Policy } from './model.js';
import {
  address,
  evidenceOf,
  isoOrNull,
  keyOf,
  num,
  numOrNull,
  type Row,
  segmentName,
  service,
} from './result-rows.js';

const arrow = (from: string | null, to: string | null) =>
  `${from ?? '(no segment)'} -> ${to ?? '(no segment)'}`;

/** What every traffic finding carries, read from one result row: segments, service, times, counts, evidence. */
function traffic(policy: Policy, r: Row, ev: unknown, dict: ReadonlyMap<number, string>) {
  return {
    from: segmentName(policy, r.cseg),
    to: segmentName(policy, r.vseg),
    protocol: numOrNull(r.protocol),
    port: numOrNull(r.port),
    firstSeen: isoOrNull(r.t_first),
    lastSeen: isoOrNull(r.t_last),
    flows: num(r.flows),
    bytes: num(r.bytes),
    evidence: evidenceOf(ev, dict),
  };
}

function expired(policy: Policy, xexp: unknown): Finding['expiredExceptions'] {
  const bits = BigInt((xexp as bigint | number | null) ?? 0);
  if (bits === 0n) return undefined;
  return policy.exceptions.flatMap((e, i) =>
    ((bits >> BigInt(i)) & 1n) === 1n ? [{ name: e.name, expires: e.expiresText }] : [],
  );
}

export function ruleFindings(
  policy: Policy,
  rows: readonly Row[],
  evidence: readonly Row[],
  dict: ReadonlyMap<number, string>,
): Finding[] {
  const byKey = new Map(evidence.map((e) => [keyOf(e, FINDING_KEY), e.ev]));
  return rows.map((r) => {
    const rule = policy.rules[num(r.rule)];
    if (rule === undefined) throw new Error(`rule ${String(r.rule)} is not in the policy`);
    const kind = r.finding === 'blocked' ? 'blocked' : 'violation';
    const t = traffic(policy, r, byKey.get(keyOf(r, FINDING_KEY)), dict);
    const { from, to, protocol, port, flows } = t;
    const source = address(r.caddr4, r.caddr6);
    const what =
      kind === 'blocked'
        ? `${source} (${from ?? 'no segment'}) -> ${to ?? '(no segment)'} ${service(protocol, port)}: ${flows} attempts rejected`
        : `${arrow(from, to)} ${service(protocol, port)} accepted`;
    const exp = expired(policy, r.xexp);
    return {
      kind,
      rule: rule.name,
      severity: kind === 'blocked' ? 'info' : rule.severity,
      title: `${what}${exp === undefined ? '' : ` (exception ${exp.map((e) => e.name).join(', ')} expired)`}`,
      ...t,
      ...(kind === 'blocked' && source !== null ? { source } : {}),
      ...(exp === undefined ? {} : { expiredExceptions: exp }),
    };
  });
}

export function droppedFindings(
  policy: Policy,
  rows: readonly Row[],
  dict: ReadonlyMap<number, string>,
): Finding[] {
  return rows.map((r) => {
    const t = traffic(policy, r, r.ev, dict);
    const { from, to, protocol, port } = t;
    return {
      kind: 'dropped',
      rule: BUILTIN.dropped,
      severity: 'medium',
      title: `${arrow(from, to)} ${service(protocol, port)}: ${num(r.flows)} accepted SYNs never answered (a silent drop, e.g. a firewall)`,
      ...t,
    };
  });
}

export function tgwLossFindings(
  policy: Policy,
  rows: readonly Row[],
  dict: ReadonlyMap<number, string>,
): Finding[] {
  return rows.map((r) => {
    const t = traffic(policy, r, r.ev, dict);
    const { from, to, protocol, port } = t;
    const attachment =
      r.tgw_attachment_id === null || r.tgw_attachment_id === undefined
        ? null
        : (dict.get(Number(r.tgw_attachment_id)) ?? null);
    return {
      kind: 'tgw-loss',
      rule: BUILTIN.tgwLoss,
      severity: 'high',
      title: `${attachment ?? 'a TGW attachment'}: ${num(r.lost)} packets lost, ${arrow(from, to)} ${service(protocol, port)}`,
      ...t,
      ...(attachment === null ? {} : { resource: attachment }),
    };
  });
}
