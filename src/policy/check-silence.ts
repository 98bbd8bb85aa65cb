// Silences, from the hourly rows' minute masks: expectations that stopped flowing (a run of
// minutes without a matching flow longer than max-silence, at the start, in the middle or at the
// end of the range) and flow-log health per top-level segment (a run of minutes with no record
// at all longer than the gap, shown inside the traffic gap around it with its NODATA/SKIPDATA
// counts; a watched segment with no record at all). Times are epoch seconds at minute edges.

import { ident, join, or, raw, type SqlNode, sql, value } from '../sql/index.js';
import {
  HOURS_VIEW,
  instancesOf,
  type Minutes,
  SETS,
  STAGE_TABLE,
  sameKey,
  slotsOfMasks,
} from './check-stage.js';
import { TRAFFIC_TABLE } from './classify-groups.js';
import { CLS } from './classify-sql.js';
import { compiled } from './compiled.js';
import type { Expectation, Policy } from './model.js';
import { CONNECTION, matchSql, REVERSED } from './rules-sql.js';
import { ADDRESS_TABLES } from './segment-sql.js';

/** The stretch of time silences are judged over: [start, horizon), and the stage's minute slots. */
export interface Bounds {
  readonly start: number;
  readonly horizon: number;
  readonly minutes: Minutes;
}

const n = (x: number | bigint): SqlNode => raw(String(x));
const big = (x: SqlNode): SqlNode => sql`CAST(${x} AS BIGINT)`;

/** Epoch seconds where slot `s` starts. */
const slotStart = (m: Minutes, s: SqlNode): SqlNode => sql`((${n(m.first)} + (${s}) * ${n(m.unit)}) * 60)`;

/** A group keeps an expectation instance alive. */
function instanceSql(e: Expectation, i: number, index: number): SqlNode {
  const match = (e.instances[index] as Expectation['instances'][number]).match;
  const kind =
    e.recordKind === null ? raw('TRUE') : raw(`kind = '${e.recordKind === 'tgw' ? 'tgw' : 'vpc'}'`);
  const size = e.minBytes > 0 ? raw(`(big >> ${i}) & 1 = 1`) : raw('TRUE');
  const ways = e.bothWays
    ? or(matchSql(match, CONNECTION), matchSql(match, REVERSED))
    : matchSql(match, CONNECTION);
  return sql`(${kind} AND ${size} AND ${ways})`;
}

/** Silent windows [a, b) of slot lists (`act(i, s)` rows): between slots, before the first, after the last, or all of it. */
function windowsSql(b: Bounds, limits: SqlNode): SqlNode {
  const m = b.minutes;
  return sql`seq AS (SELECT i, s, lag(s) OVER (PARTITION BY i ORDER BY s) AS prev FROM act),
tot AS (SELECT i, min(s) AS lo, max(s) AS hi FROM act GROUP BY i),
w AS (
  SELECT i, 'middle' AS edge, ${big(slotStart(m, raw('prev + 1')))} AS a, ${big(slotStart(m, raw('s')))} AS b FROM seq WHERE prev IS NOT NULL AND s > prev + 1
  UNION ALL SELECT i, 'start', ${big(value(b.start, 'i64'))}, ${big(slotStart(m, raw('lo')))} FROM tot
  UNION ALL SELECT i, 'end', ${big(slotStart(m, raw('hi + 1')))}, ${big(value(b.horizon, 'i64'))} FROM tot
  UNION ALL SELECT i, 'never', ${big(value(b.start, 'i64'))}, ${big(value(b.horizon, 'i64'))} FROM ${limits} WHERE i NOT IN (SELECT i FROM tot)
)`;
}

/**
 * Rows: (what 'window' | 'total', i, a, b, flows, bytes) per expectation instance i (instancesOf
 * order). `key`: the traffic key's columns, which find each group's hourly rows.
 */
export function expectationsSql(policy: Policy, b: Bounds, key: readonly string[]): SqlNode | null {
  const inst = instancesOf(policy);
  if (inst.length === 0) return null;
  const limits = inst.map(
    (x, i) => sql`(${value(i, 'i64')}, ${value(policy.expectations[x.exp]?.maxSilence ?? 0, 'i64')})`,
  );
  const cols = join(key.map((k) => ident(k)));
  // the instances each group keeps alive, in one pass over the groups
  const which = inst.map((x, i) => {
    const e = policy.expectations[x.exp] as Expectation;
    return sql`CASE WHEN ${instanceSql(e, x.exp, x.index)} THEN ${n(i)} END`;
  });
  // the groups any expectation reads, once (an expectation's union of instances); each instance then reads only those
  const any = or(
    ...policy.expectations.map((e, i) =>
      instanceSql({ ...e, instances: [{ label: '', match: e.match }] }, i, 0),
    ),
  );
  return sql`WITH rel AS MATERIALIZED (SELECT * FROM ${ident(TRAFFIC_TABLE)} WHERE cls = ${n(CLS.pass)} AND ${any}),
inst(i, max_silence) AS (VALUES ${join(limits)}),
ig AS MATERIALIZED (SELECT unnest(ii) AS i, ${cols}, flows, bytes, t_first, t_last
  FROM (SELECT *, list_filter([${join(which)}], x -> x IS NOT NULL) AS ii FROM rel)),
hm AS (SELECT ig.i, x.hour, bit_or(x.minutes) AS mask FROM ig JOIN ${ident(HOURS_VIEW)} x ON x.grouping = ${n(SETS.traffic)} AND ${sameKey('x', 'ig', key)}
  WHERE x.minutes IS NOT NULL GROUP BY ig.i, x.hour),
act AS (${slotsOfMasks(b.minutes, raw('SELECT i, hour, mask FROM hm'))}),
per AS (SELECT i, sum(flows) AS flows, sum(bytes) AS bytes, min(t_first) AS t_first, max(t_last) AS t_last FROM ig WHERE i IN (SELECT i FROM act) GROUP BY i),
${windowsSql(b, raw('inst'))}
SELECT 'window' AS what, w.i, w.a, w.b, NULL AS flows, NULL AS bytes FROM w JOIN inst USING (i) WHERE w.b - w.a > inst.max_silence
UNION ALL SELECT 'total', i, t_first, t_last, flows, bytes FROM per
ORDER BY 2, 1, 3`;
}

/**
 * Top-level segments the health check watches: those holding a watched segment with addresses
 * or ids of its own (a group such as `members` names segments, it holds no addresses).
 */
export function healthUnits(policy: Policy): readonly number[] {
  const h = policy.health;
  if (h === null || h.segments.any) return [];
  const c = compiled(policy);
  const capturable = (code: number) => {
    const s = policy.segments[code - 1];
    return s !== undefined && (s.cidrs.length > 0 || Object.values(s.ids).some((ids) => ids.length > 0));
  };
  const codes = h.segments.codes;
  return c.topRanges.flatMap(([a, z], top) =>
    a !== c.internet[0] && codes.some((code) => code >= a && code <= z && capturable(code)) ? [top] : [],
  );
}

/**
 * smap, vmap: the segment of each subnet and VPC, the one most of the flows of its interfaces
 * count for. An interface with no flow in the range (an idle one writes only NODATA records, and
 * those carry no address) counts for its subnet's segment, else its VPC's.
 */
function placesSql(): SqlNode {
  const best = (col: string) =>
    sql`SELECT ${raw(col)}, arg_max(i, struct_pack(f := flows, i := i)) AS i FROM loc WHERE ${raw(col)} IS NOT NULL GROUP BY ${raw(col)}`;
  return sql`loc AS (SELECT h.subnet_id, h.vpc_id, imap.i, sum(h.flows) AS flows FROM h JOIN imap USING (interface_id) WHERE imap.i IS NOT NULL GROUP BY ALL),
smap AS (${best('subnet_id')}),
vmap AS (${best('vpc_id')})`;
}

/**
 * Rows per watched top-level segment `unit`: ('gap', unit, a, b = the stretch with no records,
 * ta, tb = the traffic gap around it, nodata, skipdata), ('missing', unit), ('total', unit,
 * nodata, skipdata, flows). Each interface counts for the segment of the address most of its
 * records were captured at (on a tie, the highest address; an idle one: its subnet's, else its
 * VPC's); its NODATA/SKIPDATA records count there too.
 */
export function healthSql(policy: Policy, b: Bounds): SqlNode | null {
  const units = healthUnits(policy);
  if (policy.health === null || units.length === 0) return null;
  const m = b.minutes;
  const stage = (set: number) => sql`(SELECT * FROM ${ident(STAGE_TABLE)} WHERE grouping = ${n(set)})`;
  return sql`WITH units(i) AS (VALUES ${join(units.map((u) => sql`(${value(u, 'i64')})`))}),
h AS (SELECT interface_id, cap4, cap6, subnet_id, vpc_id, flows FROM ${stage(SETS.interfaces)}),
own AS (SELECT interface_id, arg_max(struct_pack(a4 := cap4, a6 := cap6), struct_pack(f := flows, a4 := coalesce(cap4, 0), a6 := coalesce(cap6, 0))) AS own
  FROM (SELECT interface_id, cap4, cap6, sum(flows) AS flows FROM h GROUP BY ALL) GROUP BY interface_id),
imap AS (SELECT own.interface_id, coalesce(m4.top, m6.top) AS i FROM own
  LEFT JOIN ${ident(ADDRESS_TABLES.v4)} m4 ON m4.a = own.own.a4 LEFT JOIN ${ident(ADDRESS_TABLES.v6)} m6 ON m6.a = own.own.a6),
${placesSql()},
traffic AS (SELECT imap.i, sum(h.flows) AS flows FROM h JOIN imap USING (interface_id) WHERE imap.i IN (SELECT i FROM units) GROUP BY imap.i),
hm AS (SELECT imap.i, x.hour, bit_or(x.minutes) AS mask FROM ${ident(HOURS_VIEW)} x JOIN imap USING (interface_id)
  WHERE x.grouping = ${n(SETS.interfaces)} AND x.minutes IS NOT NULL AND imap.i IN (SELECT i FROM units) GROUP BY ALL),
nd AS (SELECT coalesce(imap.i, smap.i, vmap.i) AS i, (n.minute - ${n(m.first)}) // ${n(m.unit)} AS s, sum(n.nodata) AS nodata, sum(n.skipdata) AS skipdata
  FROM ${stage(SETS.nodata)} n LEFT JOIN imap ON n.interface_id = imap.interface_id
  LEFT JOIN smap ON n.subnet_id = smap.subnet_id LEFT JOIN vmap ON n.vpc_id = vmap.vpc_id
  WHERE coalesce(imap.i, smap.i, vmap.i) IN (SELECT i FROM units) GROUP BY ALL),
tslot AS (${slotsOfMasks(m, raw('SELECT i, hour, mask FROM hm'))}),
act AS (SELECT i, s FROM tslot UNION SELECT i, s FROM nd),
${windowsSql(b, raw('units'))},
g AS (SELECT w.i, w.a, w.b,
    coalesce((SELECT ${big(slotStart(m, raw('max(t.s) + 1')))} FROM tslot t WHERE t.i = w.i AND ${slotStart(m, raw('t.s + 1'))} <= w.a), w.a) AS ta,
    coalesce((SELECT ${big(slotStart(m, raw('min(t.s)')))} FROM tslot t WHERE t.i = w.i AND ${slotStart(m, raw('t.s'))} >= w.b), w.b) AS tb
  FROM w WHERE w.b - w.a > ${value(policy.health.gap, 'i64')} AND w.edge IN ('middle', 'end'))
SELECT 'gap' AS what, g.i AS unit, g.a, g.b, g.ta, g.tb,
  (SELECT coalesce(sum(nodata), 0) FROM nd WHERE nd.i = g.i AND ${slotStart(m, raw('nd.s'))} >= g.ta AND ${slotStart(m, raw('nd.s'))} < g.tb) AS nodata,
  (SELECT coalesce(sum(skipdata), 0) FROM nd WHERE nd.i = g.i AND ${slotStart(m, raw('nd.s'))} >= g.ta AND ${slotStart(m, raw('nd.s'))} < g.tb) AS skipdata,
  NULL AS flows
FROM g
UNION ALL SELECT 'missing', i, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM units WHERE i NOT IN (SELECT i FROM act)
UNION ALL SELECT 'total', u.i, NULL, NULL, NULL, NULL, (SELECT sum(nodata) FROM nd WHERE nd.i = u.i), (SELECT sum(skipdata) FROM nd WHERE nd.i = u.i),
  (SELECT sum(flows) FROM traffic WHERE traffic.i = u.i) FROM units u WHERE u.i IN (SELECT i FROM act)
ORDER BY 2, 1, 3`;
}
