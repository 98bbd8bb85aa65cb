// The checks that need no rules. Dropped: an accepted TCP SYN (no ACK) with no reply flow
// (SYN-ACK or RST back, the same endpoints and ports swapped) within a minute of it: what a
// firewall's silent drop looks like in flow logs. TGW loss: Transit Gateway records with
// packets-lost-* above zero, per attachment. Both narrow the flows first and classify only those.

import { STORE } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql, value } from '../sql/index.js';
import { evidenceList } from './check-rules.js';
import { HOURS_VIEW, PK, SETS, timeWhere } from './check-stage.js';
import { classifyCtes } from './classify-ctes.js';
import { TRAFFIC_TABLE } from './classify-groups.js';
import { anyLostSql, CLS, lostSql } from './classify-sql.js';
import type { Policy } from './model.js';
import type { CheckRange } from './rules-sql.js';
import { effectiveAddress } from './segment-sql.js';

const groups = (policy: Policy, keys: string) =>
  sql`SELECT ${raw(keys)}, count(*) AS flows, sum(bytes) AS bytes, min(start) AS t_first, max(coalesce("end", start)) AS t_last, ${evidenceList(policy.evidence)} AS ev
FROM c GROUP BY ALL ORDER BY flows DESC`;

export const DROPPED_TABLE = 'fs_check_dropped';

const ENDS = ['s4', 's6', 'd4', 'd6'];
const same = (a: string, b: string, x: readonly string[], y: readonly string[]) =>
  join(
    x.map((k, i) => raw(`${a}.${k} IS NOT DISTINCT FROM ${b}.${y[i]}`)),
    ' AND ',
  );

/**
 * CREATE TEMP TABLE fs_check_dropped, from the hourly rows: each connection's hours with the
 * minutes of SYN-only requests (SYN without ACK or FIN: a FIN means the connection was set up)
 * that passed, and no reply of that connection in the same or a neighbouring minute (the
 * neighbours of a minute at an hour's edge are in the next hour's rows), with the segments of
 * the connection's classified groups. One pass over the rows for the requests and one for their
 * replies, kept to the connections that sent requests: joining the classified groups back to
 * their hourly rows cost twice as much. `key`: the traffic key's columns.
 */
export function droppedConnectionsSql(key: readonly string[]): SqlNode {
  // the connection's ends: without IPv6 in the range, its halves are NULL and left out until the end
  const v6 = key.includes('s6');
  const ends = v6 ? ENDS : ['s4', 'd4'];
  // the same ends of the connection's replies, which go the other way
  const back = ends.map((e) => (e.startsWith('s') ? `d${e.slice(1)}` : `s${e.slice(1)}`));
  const bitSet = (b: number) => `((pk >> ${b}) & 1) = 1`;
  const rows = (where: string) =>
    raw(`SELECT ${ends.join(', ')}, CASE WHEN ${bitSet(PK.portNull)} THEN NULL ELSE CAST(pk & 65535 AS USMALLINT) END AS port, hour, minutes
    FROM "${HOURS_VIEW}" WHERE grouping = ${SETS.traffic} AND minutes IS NOT NULL AND ((pk >> ${PK.protocol}) & 255) = 6 AND ${where}`);
  // a request that passed: the class CLS.pass of classifiedTrafficSql, read off the key
  const passed = `(action = 'ACCEPT' OR (action IS NULL AND ${bitSet(PK.tgw)} AND NOT ${bitSet(PK.allLost)}))`;
  const ans = (alias: string, hour: string) =>
    sql`LEFT JOIN ans ${raw(alias)} ON ${same(alias, 'syn', ends, ends)} AND ${raw(`${alias}.port = syn.port AND ${alias}.hour = ${hour}`)}`;
  const halves = v6 ? raw('') : raw('CAST(NULL AS UHUGEINT) AS s6, CAST(NULL AS UHUGEINT) AS d6, ');
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(DROPPED_TABLE)} AS
WITH syn AS MATERIALIZED (SELECT ${raw(ends.join(', '))}, port, hour, bit_or(minutes) AS mask
  FROM (${rows(`${bitSet(PK.synOnly)} AND ${passed}`)}) GROUP BY ALL),
ans AS MATERIALIZED (SELECT ${raw(ends.map((e, i) => `r.${back[i]} AS ${e}`).join(', '))}, r.port, r.hour, bit_or(r.minutes) AS mask
  FROM (${rows(bitSet(PK.reply))}) r
  SEMI JOIN syn ON ${same('r', 'syn', ends, back)} AND r.port = syn.port GROUP BY ALL),
x AS (SELECT syn.*, coalesce(a.mask, 0) AS cur, coalesce(p.mask, 0) AS prev, coalesce(n.mask, 0) AS next
  FROM syn ${ans('a', 'syn.hour')} ${ans('p', 'syn.hour - 1')} ${ans('n', 'syn.hour + 1')}),
d AS (SELECT * EXCLUDE (mask, cur, prev, next) FROM (
  SELECT *, mask & ~cur & ~((cur << 1) | (cur >> 1) | (prev >> 59) | ((next & 1) << 59)) AS dropped FROM x)
  WHERE dropped <> 0)
SELECT DISTINCT d.*, ${halves}t.cseg, t.vseg FROM d JOIN ${ident(TRAFFIC_TABLE)} t ON ${same('t', 'd', ends, ends)} AND t.port IS NOT DISTINCT FROM d.port
WHERE t.synonly AND t.protocol = 6 AND t.cls = ${raw(String(CLS.pass))}`;
}

/** The dropped connections' ports, and the hours they were dropped in. */
export const droppedPortsSql = (): SqlNode =>
  sql`SELECT port, min(hour) AS first_hour, max(hour) AS last_hour FROM ${ident(DROPPED_TABLE)} GROUP BY port ORDER BY port`;

/**
 * Rows: cseg, vseg, protocol, port, flows, bytes, t_first, t_last, ev: the SYN-only flows of the
 * dropped connections in their dropped minutes (a narrow pass over the flows on those ports).
 */
export function droppedSql(
  policy: Policy,
  range: CheckRange,
  dropped: readonly { readonly port: number; readonly firstHour: number; readonly lastHour: number }[],
): SqlNode | null {
  if (dropped.length === 0) return null;
  const ports = dropped.map((d) => d.port);
  // only the hours with dropped minutes: zone maps skip the rest of the flows
  const hours = {
    since: Math.max(range.since ?? 0, Math.min(...dropped.map((d) => d.firstHour)) * 3600),
    until: Math.min(range.until ?? Infinity, (Math.max(...dropped.map((d) => d.lastHour)) + 1) * 3600),
  };
  const [s, d] = [effectiveAddress('src'), effectiveAddress('dst')];
  const passed = sql`(${ident('action')} = 'ACCEPT' OR (${ident(STORE.kindColumn)} = 'tgw' AND coalesce(${ident('packets')}, 0) > ${lostSql()}))`;
  return sql`WITH f AS (SELECT *, ${s.v4} AS q_s4, ${s.v6} AS q_s6, ${d.v4} AS q_d4, ${d.v6} AS q_d6 FROM ${ident(STORE.table)}
  WHERE ${ident('log_status')} = 'OK' AND ${timeWhere(hours)} AND ${ident('protocol')} = 6 AND ${ident('dstport')} IN (${join(ports.map((p) => value(p, 'u16')))})
    AND (${ident('tcp_flags')} & 19) = 2 AND ${passed}),
c AS (SELECT f.*, dc.cseg, dc.vseg, dc.port FROM f JOIN ${ident(DROPPED_TABLE)} dc ON ${same('f', 'dc', ['q_s4', 'q_s6', 'q_d4', 'q_d6'], ENDS)} AND f.dstport = dc.port
    AND dc.hour = f.start // 3600
  WHERE (dc.dropped >> CAST(f.start // 60 % 60 AS INTEGER)) & 1 = 1)
${groups(policy, 'cseg, vseg, protocol, port')}`;
}

const lossWhere = (range: CheckRange): SqlNode =>
  sql`${ident(STORE.kindColumn)} = 'tgw' AND ${anyLostSql()} AND ${timeWhere(range)}`;

/**
 * The first and last start of the TGW records with losses: a pass that reads only the columns it
 * tests, so that the classifying pass reads all its columns only between them (a filter over four
 * columns is not pushed into the scan: the 10 M demo's 1.5 M TGW records cost 71 ms to read whole).
 */
export const tgwLossSpanSql = (range: CheckRange): SqlNode =>
  sql`SELECT min(start) AS first, max(start) AS last FROM ${ident(STORE.table)} WHERE ${lossWhere(range)}`;

/** Rows: tgw_attachment_id, cseg, vseg, protocol, port, lost, flows, bytes, t_first, t_last, ev. */
export function tgwLossSql(
  policy: Policy,
  range: CheckRange,
  span: { readonly first: number; readonly last: number },
): SqlNode {
  const narrowed = {
    since: Math.max(range.since ?? -Infinity, span.first),
    until: Math.min(range.until ?? Infinity, span.last + 1),
  };
  const where = lossWhere(narrowed);
  return sql`WITH ${classifyCtes(policy, { where, capture: 'none', lookup: 'map' })}
SELECT tgw_attachment_id, cseg, vseg, protocol, port, sum(${lostSql()}) AS lost, count(*) AS flows, sum(bytes) AS bytes,
  min(start) AS t_first, max(coalesce("end", start)) AS t_last, ${evidenceList(policy.evidence)} AS ev
FROM c GROUP BY ALL ORDER BY lost DESC`;
}
