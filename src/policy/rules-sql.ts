// Rules as SQL over classified connections (the columns of classify-sql.ts: cseg, vseg,
// protocol, port, cls, caddr4/6, hop, direct, xmask). The same predicates run over single flows
// (evidence, the differential test) and over groups of flows (the check), since a group shares
// every column a rule reads.

import { and, ident, join, not, or, raw, type SqlNode, sql, value } from '../sql/index.js';
import { CLS } from './classify-sql.js';
import type { Match, Policy, PolicyException, PortRange, Rule, SegmentSet } from './model.js';
import { runs } from './refs.js';

export interface CheckRange {
  /** epoch seconds, inclusive */
  readonly since?: number;
  /** epoch seconds, exclusive */
  readonly until?: number;
  /** the first start and last end of the records in the range, once known: they settle exceptions that expire outside them */
  readonly first?: number;
  readonly last?: number;
}

/** An exception over a range: always in force, never, or per flow (bit `i` of xmask set once expired). */
export type ExceptionState = 'active' | 'expired' | 'per-flow';

export function exceptionState(e: PolicyException, range: CheckRange): ExceptionState {
  const since = Math.max(range.since ?? -Infinity, range.first ?? -Infinity);
  const until = Math.min(range.until ?? Infinity, range.last === undefined ? Infinity : range.last + 1);
  if (e.expires <= since) return 'expired';
  if (e.expires >= until) return 'active';
  return 'per-flow';
}

const bit = (i: number): SqlNode => raw((1n << BigInt(i)).toString());
const n = (x: number): SqlNode => raw(String(x));

/** Per flow: one bit per exception whose expiry falls inside the range and has passed at the flow's start. */
export function xmaskSql(policy: Policy, range: CheckRange): SqlNode {
  const parts = policy.exceptions.flatMap((e, i) =>
    exceptionState(e, range) === 'per-flow'
      ? [sql`CASE WHEN ${ident('start')} >= ${value(e.expires, 'u32')} THEN ${bit(i)} ELSE 0 END`]
      : [],
  );
  return parts.length === 0 ? raw('CAST(0 AS BIGINT)') : sql`CAST(${join(parts, ' + ')} AS BIGINT)`;
}

/**
 * Per hourly row, for the whole hours on either side of every expiry `xmaskSql` judges per flow:
 * the same bits, from the row's hour (its flows start in it). Integers inline: a view reads it.
 */
export function xmaskOfHourSql(policy: Policy, range: CheckRange): SqlNode {
  const parts = policy.exceptions.flatMap((e, i) =>
    exceptionState(e, range) === 'per-flow'
      ? [sql`CASE WHEN hour >= ${n(Math.ceil(e.expires / 3600))} THEN ${bit(i)} ELSE 0 END`]
      : [],
  );
  return parts.length === 0 ? raw('CAST(0 AS BIGINT)') : sql`CAST(${join(parts, ' + ')} AS BIGINT)`;
}

/** The hours an exception judged per flow expires inside (not at their start): their flows are judged one by one. */
export function expiryHours(policy: Policy, range: CheckRange): readonly number[] {
  return policy.exceptions.flatMap((e) =>
    exceptionState(e, range) === 'per-flow' && e.expires % 3600 !== 0 ? [Math.floor(e.expires / 3600)] : [],
  );
}

/**
 * A segment code in a set. A few runs of codes: comparisons; more: one bit per code in a
 * bitstring constant, read at the code (past the last member, the final 0 bit). The check runs
 * a dozen such tests per group over 700 k groups, where OR-chains of up to 16 ranges cost most
 * of the rules' time.
 */
export function inSetSql(set: SegmentSet, code: SqlNode): SqlNode {
  if (set.any) return raw('TRUE');
  if (set.codes.length === 0) return raw('FALSE');
  const r = runs(set.codes);
  if (r.length <= 2)
    return or(
      ...r.map(([a, b]) => (a === b ? sql`${code} = ${n(a)}` : sql`${code} BETWEEN ${n(a)} AND ${n(b)}`)),
    );
  const top = Math.max(...set.codes) + 1;
  const bits = Array.from({ length: top + 1 }, () => '0');
  for (const c of set.codes) bits[c] = '1';
  return sql`get_bit(CAST('${raw(bits.join(''))}' AS BIT), CAST(least(${code}, ${n(top)}) AS INTEGER)) = 1`;
}

export function portsSql(ranges: readonly PortRange[]): SqlNode {
  if (ranges.length === 0 || ranges.some((r) => r.protocol === null)) return raw('TRUE');
  return or(
    ...ranges.map((r) => {
      const proto = sql`${ident('protocol')} = ${value(r.protocol as number, 'u8')}`;
      if (r.from === 0 && r.to === 65535) return proto;
      if (r.from === r.to) return and(proto, sql`${ident('port')} = ${value(r.from, 'u16')}`);
      return and(proto, sql`${ident('port')} BETWEEN ${value(r.from, 'u16')} AND ${value(r.to, 'u16')}`);
    }),
  );
}

/** A connection: client and server segment codes and their top-level indexes (NULL: none, or the internet). */
export interface Ends {
  readonly c: SqlNode;
  readonly v: SqlNode;
  readonly ct: SqlNode;
  readonly vt: SqlNode;
}

/** The connection as classified (classify-ctes.ts columns), and the same reversed. */
export const CONNECTION: Ends = { c: ident('cseg'), v: ident('vseg'), ct: ident('ctop'), vt: ident('vtop') };
export const REVERSED: Ends = { c: ident('vseg'), v: ident('cseg'), ct: ident('vtop'), vt: ident('ctop') };

/**
 * A match over a connection; never NULL (a missing port or a top-level-less code is simply no
 * match), so it is safe under NOT.
 */
export function matchSql(m: Match, e: Ends): SqlNode {
  const scope = m.scope === null ? [] : [sql`${e.ct} ${raw(m.scope === 'within' ? '=' : '<>')} ${e.vt}`];
  return sql`coalesce(${and(inSetSql(m.from, e.c), inSetSql(m.to, e.v), portsSql(m.ports), ...scope)}, false)`;
}

function exceptionsOf(policy: Policy, rule: Rule): readonly (readonly [PolicyException, number])[] {
  return policy.exceptions.flatMap((e, i) =>
    e.rules.length === 0 || e.rules.includes(rule.name) ? [[e, i] as const] : [],
  );
}

/** Exempted: an applicable exception in force for the flow. */
function exemptSql(policy: Policy, rule: Rule, range: CheckRange): SqlNode {
  const parts = exceptionsOf(policy, rule).flatMap(([e, i]) => {
    const state = exceptionState(e, range);
    if (state === 'expired') return [];
    const m = matchSql(e.match, CONNECTION);
    return [state === 'active' ? m : and(m, sql`((xmask >> ${n(i)}) & 1) = 0`)];
  });
  return or(...parts);
}

/** Bits of the exceptions that matched but had expired (so the flow counts, and the finding says why). */
function expiredSql(policy: Policy, rule: Rule, range: CheckRange): SqlNode {
  const parts = exceptionsOf(policy, rule).flatMap(([e, i]) => {
    const state = exceptionState(e, range);
    if (state === 'active') return [];
    const when =
      state === 'expired'
        ? matchSql(e.match, CONNECTION)
        : and(matchSql(e.match, CONNECTION), sql`((xmask >> ${n(i)}) & 1) = 1`);
    return [sql`CASE WHEN ${when} THEN ${bit(i)} ELSE 0 END`];
  });
  return parts.length === 0 ? raw('CAST(0 AS BIGINT)') : sql`CAST(${join(parts, ' + ')} AS BIGINT)`;
}

/** The connections a rule flags, before exceptions, and which classes it reports. */
function ruleSql(rule: Rule): { readonly where: SqlNode; readonly classes: readonly number[] } {
  switch (rule.kind) {
    case 'deny': {
      const hit = rule.bothWays
        ? or(matchSql(rule.match, CONNECTION), matchSql(rule.match, REVERSED))
        : matchSql(rule.match, CONNECTION);
      return { where: hit, classes: rule.blockedMinFlows === null ? [CLS.pass] : [CLS.pass, CLS.reject] };
    }
    case 'allow-only':
      return {
        where: and(
          matchSql(rule.match, CONNECTION),
          not(or(...rule.allow.map((a) => matchSql(a, CONNECTION)))),
        ),
        classes: [CLS.pass],
      };
    case 'egress-via': {
      const hop = ident('hop');
      const elsewhere = and(
        sql`${hop} IS NOT NULL`,
        not(inSetSql(rule.via, hop)),
        sql`${ident('hoptop')} IS DISTINCT FROM ${ident('ctop')}`,
      );
      return {
        where: and(matchSql(rule.match, CONNECTION), or(ident('direct'), elsewhere)),
        classes: [CLS.pass],
      };
    }
    default: {
      const never: never = rule;
      throw new Error(`unhandled rule ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Every rule hit over `relation`: one row per (rule, row of the relation) it flags, with `rule`
 * (index into policy.rules), `finding` ('violation' | 'blocked'), `xexp` (expired exceptions
 * that would have covered it) and the relation's columns named in `carry`; `only`: just these rules.
 */
export function ruleHitsSql(
  policy: Policy,
  range: CheckRange,
  relation: string,
  carry: readonly string[],
  only?: ReadonlySet<number>,
): SqlNode {
  const cols = join(carry.map((x) => ident(x)));
  const selects = policy.rules.flatMap((rule, i) => {
    if (only !== undefined && !only.has(i)) return [];
    const { where, classes } = ruleSql(rule);
    const finding = sql`CASE WHEN cls = ${n(CLS.pass)} THEN 'violation' ELSE 'blocked' END`;
    return [
      sql`SELECT ${n(i)} AS rule, ${finding} AS finding, ${expiredSql(policy, rule, range)} AS xexp, ${cols}
  FROM ${ident(relation)} WHERE cls IN (${join(classes.map(n))}) AND ${where} AND NOT ${exemptSql(policy, rule, range)}`,
    ];
  });
  if (selects.length === 0)
    return sql`SELECT 0 AS rule, 'violation' AS finding, CAST(0 AS BIGINT) AS xexp, ${cols} FROM ${ident(relation)} WHERE FALSE`;
  return join(selects, '\nUNION ALL\n');
}
