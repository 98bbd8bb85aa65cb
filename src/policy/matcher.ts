// The policy compiled to a matcher for single flows (live alerting, tests): the rule hits of one
// flow, the same ones rules-sql.ts finds in the engine. Exceptions apply to flows that start
// before their expiry; a hit an expired exception would have covered names it.

import { type Classified, classify, type PolicyFlow } from './classify.js';
import { CLS } from './classify-sql.js';
import { compiled, declared } from './compiled.js';
import type { Match, Policy, PolicyException, PortRange, Rule } from './model.js';
import { inSet } from './refs.js';

export interface RuleHit {
  readonly rule: string;
  readonly finding: 'violation' | 'blocked';
  /** client and server segments (most specific names; null: in no segment) */
  readonly from: string | null;
  readonly to: string | null;
  readonly protocol: number | null;
  readonly port: number | null;
  /** the connection's client and server addresses */
  readonly client: string | null;
  readonly server: string | null;
  /** exceptions that matched but had expired at the flow's start */
  readonly expired: readonly string[];
}

export interface FlowMatcher {
  /** the most specific segment of an address, or null */
  segmentOf(address: string): string | null;
  classify(flow: PolicyFlow): Classified | null;
  /** every rule the flow breaks (violation) or that blocked it (blocked) */
  hits(flow: PolicyFlow): readonly RuleHit[];
}

function portsOk(ranges: readonly PortRange[], protocol: number | null, port: number | null): boolean {
  if (ranges.length === 0 || ranges.some((r) => r.protocol === null)) return true;
  return ranges.some((r) => {
    if (protocol !== r.protocol) return false;
    if (r.from === 0 && r.to === 65535) return true;
    return port !== null && port >= r.from && port <= r.to;
  });
}

function matches(policy: Policy, m: Match, c: number, v: number, k: Classified): boolean {
  if (!inSet(m.from, c) || !inSet(m.to, v) || !portsOk(m.ports, k.protocol, k.port)) return false;
  if (m.scope === null) return true;
  const cc = compiled(policy);
  const top = (code: number) => (declared(cc, code) ? cc.topOf[code] : null);
  const [a, b] = [top(c), top(v)];
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return m.scope === 'within' ? a === b : a !== b;
}

function flagged(policy: Policy, rule: Rule, k: Classified): boolean {
  switch (rule.kind) {
    case 'deny':
      return (
        (k.cls === CLS.pass || (k.cls === CLS.reject && rule.blockedMinFlows !== null)) &&
        (matches(policy, rule.match, k.cseg, k.vseg, k) ||
          (rule.bothWays && matches(policy, rule.match, k.vseg, k.cseg, k)))
      );
    case 'allow-only':
      return (
        k.cls === CLS.pass &&
        matches(policy, rule.match, k.cseg, k.vseg, k) &&
        !rule.allow.some((a) => matches(policy, a, k.cseg, k.vseg, k))
      );
    case 'egress-via': {
      if (k.cls !== CLS.pass || !matches(policy, rule.match, k.cseg, k.vseg, k)) return false;
      const cc = compiled(policy);
      const top = (code: number) => (declared(cc, code) ? cc.topOf[code] : null);
      const elsewhere = k.hop !== null && !inSet(rule.via, k.hop) && top(k.hop) !== top(k.cseg);
      return k.direct || elsewhere;
    }
    default: {
      const never: never = rule;
      throw new Error(`unhandled rule ${JSON.stringify(never)}`);
    }
  }
}

const applies = (e: PolicyException, rule: Rule) => e.rules.length === 0 || e.rules.includes(rule.name);

export function compileMatcher(policy: Policy): FlowMatcher {
  const name = (code: number) => (code > 0 ? (policy.segments[code - 1]?.name ?? null) : null);
  return {
    segmentOf: (address) => {
      const k = classify(policy, { start: 0, logStatus: 'OK', srcaddr: address });
      return k === null ? null : name(k.sseg);
    },
    classify: (flow) => classify(policy, flow),
    hits(flow) {
      const k = classify(policy, flow);
      if (k === null) return [];
      const out: RuleHit[] = [];
      for (const rule of policy.rules) {
        if (!flagged(policy, rule, k)) continue;
        const exceptions = policy.exceptions.filter(
          (e) => applies(e, rule) && matches(policy, e.match, k.cseg, k.vseg, k),
        );
        if (exceptions.some((e) => flow.start < e.expires)) continue;
        out.push({
          rule: rule.name,
          finding: k.cls === CLS.pass ? 'violation' : 'blocked',
          from: name(k.cseg),
          to: name(k.vseg),
          protocol: k.protocol,
          port: k.port,
          client: k.client,
          server: k.server,
          expired: exceptions.map((e) => e.name),
        });
      }
      return out;
    },
  };
}
