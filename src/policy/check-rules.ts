// Rule findings. Violations: the rule hits over the stage table's passed connections, summed per
// finding (rule, client and server segments, service port, expired exceptions), then their
// evidence from a second, narrow pass (the flows on those ports) with the same predicates per
// flow. Blocked attempts: a pass over the REJECTed flows alone (a few percent), grouped per
// source address as well, with their evidence collected on the way.

import { STORE } from '../flow/index.js';
import {
  and,
  ident,
  join,
  or,
  raw,
  type SqlNode,
  type SqlScalar,
  type SqlType,
  sql,
  value,
} from '../sql/index.js';
import { mergedRuns, timeWhere } from './check-stage.js';
import { classifyCtes } from './classify-ctes.js';
import { TRAFFIC_TABLE } from './classify-groups.js';
import type { Policy } from './model.js';
import type { Row } from './result-rows.js';
import { type CheckRange, ruleHitsSql, xmaskSql } from './rules-sql.js';

/** The columns that name one rule finding. */
export const FINDING_KEY = [
  'rule',
  'finding',
  'cseg',
  'vseg',
  'protocol',
  'port',
  'caddr4',
  'caddr6',
  'xexp',
] as const;

const HIT_CARRY = [
  'cseg',
  'vseg',
  'protocol',
  'port',
  'caddr4',
  'caddr6',
  'flows',
  'bytes',
  't_first',
  't_last',
];

/** A blocked attempt is one source's; a violation is the segments' (its sources are in the evidence). */
const KEYED = sql`rule, finding, cseg, vseg, protocol, port, CASE WHEN finding = 'blocked' THEN caddr4 END AS caddr4, CASE WHEN finding = 'blocked' THEN caddr6 END AS caddr6, xexp`;

/**
 * Rows: rule, finding ('violation' | 'blocked'), cseg, vseg, protocol, port, caddr4/6 (the
 * source of a blocked attempt), xexp, flows, bytes, t_first, t_last; blocked attempts only from
 * their rule's min-flows.
 */
export function ruleFindingsSql(policy: Policy, range: CheckRange): SqlNode {
  const minFlows = policy.rules.flatMap((r, i) =>
    r.kind === 'deny' && r.blockedMinFlows !== null && r.blockedMinFlows > 1
      ? [sql`WHEN ${raw(String(i))} THEN ${value(r.blockedMinFlows, 'i64')}`]
      : [],
  );
  const threshold = minFlows.length === 0 ? raw('1') : sql`CASE rule ${join(minFlows, ' ')} ELSE 1 END`;
  return sql`WITH h AS (${ruleHitsSql(policy, range, TRAFFIC_TABLE, HIT_CARRY)})
SELECT * FROM (
  SELECT ${KEYED}, sum(flows) AS flows, sum(bytes) AS bytes, min(t_first) AS t_first, max(t_last) AS t_last FROM h GROUP BY ALL
) WHERE finding = 'violation' OR flows >= ${threshold}
ORDER BY rule, finding, flows DESC`;
}

/** Columns of a flow kept as evidence, raw (ids and numbers); result-rows.ts formats them. */
const EVIDENCE_COLUMNS = [
  'start',
  'interface_id',
  'tgw_attachment_id',
  'srcport',
  'dstport',
  'protocol',
  'tcp_flags',
  'packets',
  'bytes',
  ...['srcaddr', 'dstaddr', 'pkt_srcaddr', 'pkt_dstaddr'].flatMap((a) => [`${a}_v4`, `${a}_v6`]),
];

/** The first `n` flows of a group (by start), as a list of structs (start first, so they sort by it). */
export function evidenceList(n: number): SqlNode {
  const fields = [
    ...EVIDENCE_COLUMNS.map((c) => sql`${ident(c)} := ${ident(c)}`),
    sql`kind := CAST(${ident(STORE.kindColumn)} AS VARCHAR)`,
    sql`action := CAST(${ident('action')} AS VARCHAR)`,
  ];
  // ties on start are broken by where and who, so the same store always shows the same flows
  const order = sql`struct_pack(t := ${ident('start')}, i := ${ident('interface_id')}, a := ${ident('tgw_attachment_id')}, s := ${ident('srcaddr_v4')}, p := ${ident('srcport')}, d := ${ident('dstport')})`;
  return sql`min_by(struct_pack(${join(fields)}), ${order}, ${value(Math.max(1, n), 'i64')})`;
}

/** The findings' protocols and ports, on either side of a flow (a reply carries it as its source port). */
function prefilter(findings: readonly { protocol: number | null; port: number | null }[]): SqlNode {
  const byProto = new Map<number, Set<number>>();
  for (const f of findings) {
    if (f.protocol === null || f.port === null) continue;
    const ports = byProto.get(f.protocol) ?? new Set<number>();
    ports.add(f.port);
    byProto.set(f.protocol, ports);
  }
  if (byProto.size === 0) return raw('FALSE');
  return or(
    ...[...byProto].map(([p, ports]) => {
      const list = join([...ports].sort((a, b) => a - b).map((x) => value(x, 'u16')));
      return and(
        sql`${ident('protocol')} = ${value(p, 'u8')}`,
        or(sql`${ident('dstport')} IN (${list})`, sql`${ident('srcport')} IN (${list})`),
      );
    }),
  );
}

/** A finding's key as bound values, typed as the finding rows carry them. */
function keyRow(r: Row): SqlNode {
  const v = (x: unknown, t: SqlType) => value(x === null || x === undefined ? null : (x as SqlScalar), t);
  return sql`(${v(r.rule, 'i64')}, ${v(r.finding, 'text')}, ${v(r.cseg, 'i64')}, ${v(r.vseg, 'i64')}, ${v(r.protocol, 'u8')}, ${v(r.port, 'u16')}, ${v(r.caddr4, 'u32')}, ${v(r.caddr6, 'u128')}, ${v(r.xexp, 'i64')})`;
}

/**
 * Evidence for rule findings (rows of ruleFindingsSql): one row per finding key with `ev`, its
 * first flows, from a narrow pass over the flows on the findings' ports and time; with `window`,
 * only over each finding's first `window` seconds (complete when it holds enough of its flows:
 * see evidenceComplete). Null when there is nothing to show.
 */
export function ruleEvidenceSql(
  policy: Policy,
  range: CheckRange,
  findings: readonly Row[],
  window?: number,
): SqlNode | null {
  if (findings.length === 0 || policy.evidence === 0) return null;
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  const judged = sql`(${ident('action')} IS NOT NULL OR ${ident(STORE.kindColumn)} = 'tgw')`;
  const ports = findings.map((f) => ({ protocol: num(f.protocol), port: num(f.port) }));
  const between = (a: number, b: number) =>
    sql`${ident('start')} BETWEEN ${value(a, 'u32')} AND ${value(b, 'u32')}`;
  // each finding from its first flow: all of it, or only its first `window` seconds. The flows
  // are stored roughly in time order: one scan per stretch (overlapping ones merged) lets
  // DuckDB's zone maps skip the rest of the store, where one scan with an OR of stretches read
  // 2-3x as much
  const spans =
    window === undefined
      ? [
          [
            Math.min(...findings.map((f) => Number(f.t_first))),
            Math.max(...findings.map((f) => Number(f.t_last))),
          ] as const,
        ]
      : mergedRuns(
          findings.map(
            (f) => [Number(f.t_first), Math.min(Number(f.t_last), Number(f.t_first) + window)] as const,
          ),
        );
  const source = sql`(${join(
    spans.map(([a, b]) => sql`SELECT * FROM ${ident(STORE.table)} WHERE ${between(a, b)}`),
    '\nUNION ALL ',
  )})`;
  const where = and(timeWhere(range), judged, prefilter(ports));
  const carry = [
    'cseg',
    'vseg',
    'protocol',
    'port',
    'caddr4',
    'caddr6',
    ...EVIDENCE_COLUMNS.filter((c) => c !== 'protocol'),
    STORE.kindColumn,
    'action',
  ];
  const same = join(
    FINDING_KEY.map((k) => raw(`hk.${k} IS NOT DISTINCT FROM fk.k_${k}`)),
    ' AND ',
  );
  // only the flows of the findings' connections, and only the rules that found something, are
  // judged again; the classified flows are materialized first, or DuckDB pushes the semi-join
  // into the classification and computes the segment lookups twice per flow (3x slower)
  const conn = join(
    ['cseg', 'vseg', 'protocol', 'port'].map((k) => raw(`c.${k} IS NOT DISTINCT FROM fk.k_${k}`)),
    ' AND ',
  );
  const rules = new Set(findings.map((f) => Number(f.rule)));
  return sql`WITH ${classifyCtes(policy, { where, capture: 'hop', lookup: 'map', source })},
fk(${join(FINDING_KEY.map((x) => ident(`k_${x}`)))}) AS (VALUES ${join(findings.map(keyRow))}),
cm AS MATERIALIZED (SELECT * FROM c),
cx AS (SELECT *, ${xmaskSql(policy, range)} AS xmask FROM cm AS c SEMI JOIN fk ON ${conn}),
h AS (${ruleHitsSql(policy, range, 'cx', [...new Set(carry)], rules)}),
hk AS (SELECT ${KEYED}, * EXCLUDE (${join(FINDING_KEY.map((k) => ident(k)))}) FROM h)
SELECT ${join(FINDING_KEY.map((x) => raw(`hk.${x}`)))}, ${evidenceList(policy.evidence)} AS ev FROM hk JOIN fk ON ${same} GROUP BY ALL`;
}
