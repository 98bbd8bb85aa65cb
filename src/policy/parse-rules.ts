// The `rules:`, `expectations:` and `exceptions:` sections. Each rule is one of `deny`,
// `allow-only` or `egress-via` with a name; each expectation a flow that must keep flowing; each
// exception a reason, an owner and an expiry date.

import type {
  AllowOnlyRule,
  DenyRule,
  EgressViaRule,
  Expectation,
  PolicyException,
  Rule,
  Severity,
} from './model.js';
import { SEVERITIES } from './model.js';
import { MATCH_KEYS, type Resolve, readMatch, refsOf } from './parse-match.js';
import { checkName } from './parse-segments.js';
import {
  boolean,
  date,
  duration,
  fields,
  integer,
  isMapping,
  list,
  oneOf,
  optionalText,
  policyError,
  text,
  type Value,
} from './yaml-reader.js';

const RULE_KINDS = ['deny', 'allow-only', 'egress-via'] as const;

interface Head {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
  readonly at: string;
}

function head(f: ReadonlyMap<string, Value>, v: Value, dflt: Severity): Head {
  const nameValue = f.get('name') as Value;
  const name = text(nameValue);
  checkName(name, nameValue.at, 'rule');
  const s = f.get('severity');
  return {
    name,
    description: optionalText(f.get('description')) ?? '',
    severity: s === undefined ? dflt : oneOf(s, SEVERITIES),
    at: v.at,
  };
}

function blockedOf(v: Value | undefined): number | null {
  if (v === undefined) return 1;
  if (!isMapping(v)) return boolean(v) ? 1 : null;
  const f = fields(v, ['min-flows'], ['min-flows']);
  return integer(f.get('min-flows') as Value, 1, 1_000_000);
}

function deny(h: Head, body: Value, resolve: Resolve): DenyRule {
  const f = fields(body, [...MATCH_KEYS, 'both-ways', 'blocked']);
  const bw = f.get('both-ways');
  return {
    kind: 'deny',
    ...h,
    match: readMatch(f, resolve),
    bothWays: bw !== undefined && boolean(bw),
    blockedMinFlows: blockedOf(f.get('blocked')),
  };
}

function allowOnly(h: Head, body: Value, resolve: Resolve): AllowOnlyRule {
  const f = fields(body, [...MATCH_KEYS, 'allow'], ['allow']);
  const allow = list(f.get('allow') as Value).map((entry) => readMatch(fields(entry, MATCH_KEYS), resolve));
  return { kind: 'allow-only', ...h, match: readMatch(f, resolve), allow };
}

function egressVia(h: Head, body: Value, resolve: Resolve): EgressViaRule {
  const f = fields(body, ['from', 'to', 'ports', 'via'], ['from', 'via']);
  const via = f.get('via') as Value;
  return {
    kind: 'egress-via',
    ...h,
    match: readMatch(f, resolve, { to: 'internet' }),
    via: resolve(list(via).map((x) => ({ text: text(x), at: x.at }))),
  };
}

function rule(v: Value, resolve: Resolve): Rule {
  const f = fields(v, ['name', 'description', 'severity', ...RULE_KINDS], ['name']);
  const kinds = RULE_KINDS.filter((k) => f.has(k));
  if (kinds.length !== 1) {
    throw policyError(
      'policy.invalid',
      `${v.path} needs exactly one of ${RULE_KINDS.join(', ')}${kinds.length > 1 ? ` (it has ${kinds.join(' and ')})` : ''}`,
      v.at,
      'split it into one rule per kind',
    );
  }
  const kind = kinds[0] as (typeof RULE_KINDS)[number];
  const body = f.get(kind) as Value;
  switch (kind) {
    case 'deny':
      return deny(head(f, v, 'high'), body, resolve);
    case 'allow-only':
      return allowOnly(head(f, v, 'medium'), body, resolve);
    case 'egress-via':
      return egressVia(head(f, v, 'high'), body, resolve);
    default: {
      const never: never = kind;
      throw new Error(`unhandled rule kind ${String(never)}`);
    }
  }
}

export function parseRules(v: Value | undefined, resolve: Resolve): Rule[] {
  return v === undefined ? [] : list(v).map((x) => rule(x, resolve));
}

/** The names a list of references matches (for `each`). */
export type Names = (refs: readonly { text: string; at: string }[]) => readonly string[];

function instances(
  match: Expectation['match'],
  each: Expectation['each'],
  f: ReadonlyMap<string, Value>,
  resolve: Resolve,
  names: Names,
): Expectation['instances'] {
  if (each === null) return [{ label: '', match }];
  const refs = refsOf(f.get(each));
  if (refs.length === 0 || refs.some((r) => r.text === 'any')) {
    const v = f.get(each);
    throw policyError(
      'policy.invalid',
      `each: ${each} needs '${each}' to name segments`,
      v?.at ?? '',
      `list the segments to check one by one in '${each}'`,
    );
  }
  const at = refs[0]?.at ?? '';
  return names(refs).map((label) => ({ label, match: { ...match, [each]: resolve([{ text: label, at }]) } }));
}

function expectation(v: Value, resolve: Resolve, names: Names): Expectation {
  const keys = [
    'name',
    'description',
    'severity',
    ...MATCH_KEYS,
    'both-ways',
    'kind',
    'max-silence',
    'min-bytes',
    'each',
  ];
  const f = fields(v, keys, ['name', 'max-silence']);
  const get = (k: string) => f.get(k);
  const kind = get('kind');
  const eachValue = get('each');
  const each = eachValue === undefined ? null : oneOf(eachValue, ['from', 'to'] as const);
  const minBytes = get('min-bytes');
  const match = readMatch(f, resolve);
  return {
    ...head(f, v, 'medium'),
    match,
    bothWays: get('both-ways') !== undefined && boolean(get('both-ways') as Value),
    recordKind: kind === undefined ? null : oneOf(kind, ['vpc', 'tgw'] as const),
    maxSilence: duration(get('max-silence') as Value),
    minBytes: minBytes === undefined ? 0 : integer(minBytes, 0, Number.MAX_SAFE_INTEGER),
    each,
    instances: instances(match, each, f, resolve, names),
  };
}

/** Expectations a check keeps apart in one pass: two bits each (both directions) of a 64-bit word. */
export const MAX_EXPECTATIONS = 31;

export function parseExpectations(v: Value | undefined, resolve: Resolve, names: Names): Expectation[] {
  const items = v === undefined ? [] : list(v);
  const extra = items[MAX_EXPECTATIONS];
  if (extra !== undefined) {
    throw policyError(
      'policy.invalid',
      `a policy holds at most ${MAX_EXPECTATIONS} expectations`,
      extra.at,
      'merge expectations with `each:` (one expectation checks every segment it names)',
    );
  }
  return items.map((x) => expectation(x, resolve, names));
}

function exception(v: Value, resolve: Resolve, ruleNames: readonly string[]): PolicyException {
  const f = fields(
    v,
    ['name', 'rules', ...MATCH_KEYS, 'reason', 'owner', 'expires'],
    ['name', 'reason', 'owner', 'expires'],
  );
  const nameValue = f.get('name') as Value;
  checkName(text(nameValue), nameValue.at, 'exception');
  const rulesValue = f.get('rules');
  const rules =
    rulesValue === undefined
      ? []
      : list(rulesValue).map((r) => {
          const n = text(r);
          if (!ruleNames.includes(n))
            throw policyError(
              'policy.invalid',
              `exception ${text(nameValue)} names unknown rule '${n}'`,
              r.at,
              `rules are: ${ruleNames.join(', ')}`,
            );
          return n;
        });
  const expires = f.get('expires') as Value;
  return {
    name: text(nameValue),
    rules,
    match: readMatch(f, resolve),
    reason: text(f.get('reason') as Value),
    owner: text(f.get('owner') as Value),
    expires: date(expires),
    expiresText: text(expires),
    at: v.at,
  };
}

export function parseExceptions(
  v: Value | undefined,
  resolve: Resolve,
  ruleNames: readonly string[],
): PolicyException[] {
  return v === undefined ? [] : list(v).map((x) => exception(x, resolve, ruleNames));
}
