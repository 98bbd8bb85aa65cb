// What the policy says about one pair of segments, whatever the port: denied outright, allowed
// only in part (some ports, some sources, a required way out), or not restricted at all. The
// dashboard's segment matrix colours its cells with it.

import { UserError } from '../errors.js';
import { compiled, declared } from './compiled.js';
import type { Match, Policy, Rule } from './model.js';
import { inSet } from './refs.js';

export interface PairVerdict {
  readonly verdict: 'denied' | 'restricted' | 'open';
  /** the rules that apply to the pair (the deciding ones first) */
  readonly rules: readonly string[];
}

const allPorts = (m: Match): boolean => m.ports.length === 0 || m.ports.some((p) => p.protocol === null);

function covers(policy: Policy, m: Match, c: number, v: number): boolean {
  if (!inSet(m.from, c) || !inSet(m.to, v)) return false;
  if (m.scope === null) return true;
  const cc = compiled(policy);
  const top = (x: number) => (declared(cc, x) ? cc.topOf[x] : undefined);
  const [a, b] = [top(c), top(v)];
  if (a === undefined || b === undefined) return false;
  return m.scope === 'within' ? a === b : a !== b;
}

/** A rule's effect on the pair: 'denied' (all of it), 'restricted' (part of it), or null. */
function effect(policy: Policy, rule: Rule, c: number, v: number): 'denied' | 'restricted' | null {
  switch (rule.kind) {
    case 'deny': {
      const hit = covers(policy, rule.match, c, v) || (rule.bothWays && covers(policy, rule.match, v, c));
      if (!hit) return null;
      const excepted = policy.exceptions.some(
        (e) => (e.rules.length === 0 || e.rules.includes(rule.name)) && covers(policy, e.match, c, v),
      );
      return allPorts(rule.match) && !excepted ? 'denied' : 'restricted';
    }
    case 'allow-only': {
      if (!covers(policy, rule.match, c, v)) return null;
      const allowed = rule.allow.filter((a) => covers(policy, a, c, v));
      if (allowed.some(allPorts)) return null;
      return allowed.length === 0 && allPorts(rule.match) ? 'denied' : 'restricted';
    }
    case 'egress-via':
      return covers(policy, rule.match, c, v) ? 'restricted' : null;
    default: {
      const never: never = rule;
      throw new Error(`unhandled rule ${JSON.stringify(never)}`);
    }
  }
}

/** The policy's verdict on connections from segment `from` to segment `to` (names, as findings and segmentExpr give them). */
export function pairVerdict(policy: Policy, from: string, to: string): PairVerdict {
  const code = (name: string) => {
    const s = policy.segments.find((x) => x.name === name);
    if (s === undefined)
      throw new UserError('policy.unknown-segment', `unknown segment '${name}'`, {
        hint: 'use a name from the policy, as segmentExpr returns them',
      });
    return s.code;
  };
  const [c, v] = [code(from), code(to)];
  const effects = policy.rules.flatMap((r) => {
    const e = effect(policy, r, c, v);
    return e === null ? [] : [{ rule: r.name, e }];
  });
  const denied = effects.filter((x) => x.e === 'denied');
  const verdict = denied.length > 0 ? 'denied' : effects.length > 0 ? 'restricted' : 'open';
  return { verdict, rules: [...denied, ...effects.filter((x) => x.e !== 'denied')].map((x) => x.rule) };
}
