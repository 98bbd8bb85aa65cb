// The traffic groups classified, once, into a temporary table: the same columns
// classify-ctes.ts gives single flows (cseg/vseg, ctop/vtop, port, protocol, cls, hop/hoptop,
// direct, xmask), computed per group of flows that share every input. The packed key is
// unpacked, the address map gives each address's leaf, and the id claims that held for the
// group's flows (kept as bits) apply without the flows.

import { KIND_VALUES } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql } from '../sql/index.js';
import { PK, type StageShape, trafficGroupsSql, trafficKey } from './check-stage.js';
import { CLS } from './classify-sql.js';
import { compiled, RANKED } from './compiled.js';
import type { Policy } from './model.js';
import type { CheckRange } from './rules-sql.js';
import { ADDRESS_TABLES, topSql } from './segment-sql.js';

export const TRAFFIC_TABLE = 'fs_check_traffic';

const PREFIXES = ['s', 'd', 'h'] as const;
type Prefix = (typeof PREFIXES)[number];

/** The store's type for a record's kind (an enum: a text column costs 700 k rows 3x as much to write). */
const KIND_TYPE = raw(`ENUM(${KIND_VALUES.map((k) => `'${k}'`).join(', ')})`);

const flag = (b: number): SqlNode => raw(`((pk >> ${b}) & 1) = 1`);
const n = (x: number): SqlNode => raw(String(x));

/** The packed key's fields, and NULL or 0 for the optional keys the stage left out. */
function unpacked(policy: Policy, range: CheckRange, shape: StageShape): SqlNode {
  const key = new Set(trafficKey(policy, range, shape));
  const or = (name: string, dflt: string) => raw(key.has(name) ? name : `${dflt} AS ${name}`);
  return sql`${join(['s4', 'd4', 'action'].map((k) => raw(k)))}, ${join([or('s6', 'CAST(NULL AS UHUGEINT)'), or('d6', 'CAST(NULL AS UHUGEINT)')])},
  ${or('h4', 'CAST(NULL AS UINTEGER)')}, ${or('h6', 'CAST(NULL AS UHUGEINT)')}, ${or('xmask', 'CAST(0 AS BIGINT)')},
  ${or('sclaims', '0')}, ${or('dclaims', '0')}, ${or('hclaims', '0')},
  CASE WHEN ${flag(PK.portNull)} THEN NULL ELSE CAST(pk & 65535 AS USMALLINT) END AS port,
  CASE WHEN ${flag(PK.protocolNull)} THEN NULL ELSE CAST((pk >> ${raw(String(PK.protocol))}) & 255 AS UTINYINT) END AS protocol,
  ${flag(PK.reply)} AS reply, CAST(CASE WHEN ${flag(PK.tgw)} THEN 'tgw' ELSE 'vpc' END AS ${KIND_TYPE}) AS kind, ${flag(PK.fwd)} AS fwd, ${flag(PK.direct)} AS direct,
  ${flag(PK.synOnly)} AS synonly, pk >> ${raw(String(PK.big))} AS big, pk, flows, bytes, t_first, t_last,
  CASE WHEN action = 'ACCEPT' THEN ${n(CLS.pass)} WHEN action = 'REJECT' THEN ${n(CLS.reject)}
    WHEN ${flag(PK.tgw)} THEN (CASE WHEN ${flag(PK.allLost)} THEN ${n(CLS.lost)} ELSE ${n(CLS.pass)} END) END AS cls`;
}

/** A leaf with the group's claim bits applied: the most specific of the address's segment and the claims that held. */
function codeSql(policy: Policy, p: Prefix): SqlNode {
  const claims = compiled(policy).claims;
  if (claims.length === 0) return raw(`${p}l`);
  const parts = claims.map((k, j) =>
    raw(`CASE WHEN (${p}claims >> ${j}) & 1 = 1 THEN ${k.rank * RANKED + k.code} ELSE 0 END`),
  );
  return sql`(greatest(${raw(`${p}l`)}, ${join(parts)}) % ${raw(String(RANKED))})`;
}

/**
 * CREATE TEMP TABLE fs_check_traffic: the traffic groups, classified (the lookups each side's
 * segment came from are left out: 700 k rows are dear to write). The address map must exist.
 */
export function classifiedTrafficSql(policy: Policy, range: CheckRange, shape: StageShape): SqlNode {
  const claims = compiled(policy).claims.length > 0;
  // what no reader of the table needs: the lookups, the forwarding flag the hop came from, and
  // constants (700 k rows are dear to write)
  const key = new Set(trafficKey(policy, range, shape));
  const dropped = [
    ...['sl', 'st', 'dl', 'dt', 'hl', 'ht', 'sseg', 'dseg', 'hseg', 'stop', 'dtop', 'htop'],
    ...(claims ? [] : ['sclaims', 'dclaims', 'hclaims']),
    'fwd',
    ...(key.has('h6') ? [] : ['h6']),
    ...(key.has('xmask') ? [] : ['xmask']),
  ];
  // an address map is joined only for the address keys the groups have: a key the stage left
  // out (IPv6 when the range has none, the hop without egress-via) is NULL throughout, so its
  // join finds nothing. On the 10 M demo's 24 h (three joins left of six) the query took
  // 0.32-0.48 s against 0.40-0.47 s: within the noise, but nothing is probed for nothing
  const present = (p: Prefix) =>
    (['v4', 'v6'] as const).filter((f) => {
      const k = `${p}${f.slice(1)}`;
      return k === 's4' || k === 'd4' || key.has(k);
    });
  const lookups = PREFIXES.map((p) => {
    const m = present(p).map((f) => `m${p}${f.slice(1)}`);
    if (m.length === 0) return raw(`0 AS ${p}l, CAST(NULL AS INTEGER) AS ${p}t`);
    return raw(
      `coalesce(${m.map((a) => `${a}.leaf`).join(', ')}, 0) AS ${p}l, coalesce(${m.map((a) => `${a}.top`).join(', ')}) AS ${p}t`,
    );
  });
  const joins = PREFIXES.flatMap((p) =>
    present(p).map((f) => {
      const alias = raw(`m${p}${f.slice(1)}`);
      return sql`LEFT JOIN ${ident(ADDRESS_TABLES[f])} ${alias} ON ${alias}.a = t.${raw(`${p}${f.slice(1)}`)}`;
    }),
  );
  const codes = PREFIXES.map((p) => sql`${codeSql(policy, p)} AS ${raw(`${p}seg`)}`);
  const tops = PREFIXES.map(
    (p) => sql`${claims ? topSql(policy, raw(`${p}seg`)) : raw(`${p}t`)} AS ${raw(`${p}top`)}`,
  );
  const swap = (a: string, b: string) => raw(`CASE WHEN reply THEN ${b} ELSE ${a} END`);
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(TRAFFIC_TABLE)} AS
WITH t AS (SELECT ${unpacked(policy, range, shape)} FROM (${trafficGroupsSql(policy, range, shape)}) WHERE pk IS NOT NULL),
l AS (SELECT t.*, ${join(lookups)} FROM t ${join(joins, ' ')}),
s0 AS (SELECT *, ${join(codes)} FROM l),
s AS (SELECT *, ${join(tops)} FROM s0)
SELECT * EXCLUDE (${raw(dropped.join(', '))}),
  ${swap('sseg', 'dseg')} AS cseg, ${swap('dseg', 'sseg')} AS vseg, ${swap('stop', 'dtop')} AS ctop, ${swap('dtop', 'stop')} AS vtop,
  ${swap('s4', 'd4')} AS caddr4, ${swap('s6', 'd6')} AS caddr6, CASE WHEN fwd THEN hseg END AS hop, CASE WHEN fwd THEN htop END AS hoptop FROM s`;
}
