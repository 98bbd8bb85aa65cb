// The checks that need no rules. Dropped: an accepted TCP SYN (no ACK) with no reply flow
// (SYN-ACK or RST back, the same endpoints and ports swapped) within a minute of it: what a
// firewall's silent drop looks like in flow logs. TGW loss: Transit Gateway records with
// packets-lost-* above zero, per attachment. Both narrow the flows first and classify only those.

import { STORE } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql, value } from '../sql/index.js';
import { evidenceList } from './check-rules.js';
import { HOURS_VIEW, SETS, sameKey, timeWhere } from './check-stage.js';
import { classifyCtes } from './classify-ctes.js';
import { TRAFFIC_TABLE } from './classify-groups.js';
import { lostSql } from './classify-sql.js';
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
 * CREATE TEMP TABLE fs_check_dropped, from the classified traffic groups and their hourly rows:
 * each connection's hours with the minutes of SYN-only requests (SYN without ACK or FIN: a FIN
 * means the connection was set up) that passed, and no reply of that connection in the same or
 * a neighbouring minute (the neighbours of a minute at an hour's edge are in the next hour's
 * rows). `key`: the traffic key's columns.
 */
export function droppedConnectionsSql(key: readonly string[]): SqlNode {
  const traffic = ident(TRAFFIC_TABLE);
  const hours = ident(HOURS_VIEW);
  const cols = [...new Set([...key, ...ENDS])].map((k) => `t.${k}`).join(', ');
  const conn = ENDS;
  const ans = (alias: string, hour: string) =>
    sql`LEFT JOIN ans ${raw(alias)} ON ${same(alias, 'syn', ENDS, ['d4', 'd6', 's4', 's6'])} AND ${raw(alias)}.port = syn.port AND ${raw(`${alias}.hour = ${hour}`)}`;
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(DROPPED_TABLE)} AS
WITH sg AS MATERIALIZED (SELECT ${raw(cols)}, t.port, t.cseg, t.vseg FROM ${traffic} t WHERE t.synonly AND t.protocol = 6 AND t.cls = 1),
ag AS MATERIALIZED (SELECT ${raw(cols)}, t.port FROM ${traffic} t SEMI JOIN sg ON ${same('t', 'sg', ENDS, ['d4', 'd6', 's4', 's6'])} AND t.port = sg.port
  WHERE t.reply AND t.protocol = 6),
syn AS (SELECT ${raw(conn.map((c) => `sg.${c}`).join(', '))}, sg.port, sg.cseg, sg.vseg, x.hour, bit_or(x.minutes) AS mask
  FROM sg JOIN ${hours} x ON x.grouping = ${raw(String(SETS.traffic))} AND ${sameKey('x', 'sg', key)} WHERE x.minutes IS NOT NULL GROUP BY ALL),
ans AS (SELECT ${raw(conn.map((c) => `ag.${c}`).join(', '))}, ag.port, x.hour, bit_or(x.minutes) AS mask
  FROM ag JOIN ${hours} x ON x.grouping = ${raw(String(SETS.traffic))} AND ${sameKey('x', 'ag', key)} WHERE x.minutes IS NOT NULL GROUP BY ALL),
x AS (SELECT syn.*, coalesce(a.mask, 0) AS cur, coalesce(p.mask, 0) AS prev, coalesce(n.mask, 0) AS next
  FROM syn ${ans('a', 'syn.hour')} ${ans('p', 'syn.hour - 1')} ${ans('n', 'syn.hour + 1')})
SELECT * EXCLUDE (mask, cur, prev, next) FROM (
  SELECT *, mask & ~cur & ~((cur << 1) | (cur >> 1) | (prev >> 59) | ((next & 1) << 59)) AS dropped FROM x)
WHERE dropped <> 0`;
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

/** Rows: tgw_attachment_id, cseg, vseg, protocol, port, lost, flows, bytes, t_first, t_last, ev. */
export function tgwLossSql(policy: Policy, range: CheckRange): SqlNode {
  const where = sql`${ident(STORE.kindColumn)} = 'tgw' AND ${lostSql()} > 0 AND ${timeWhere(range)}`;
  return sql`WITH ${classifyCtes(policy, { where, capture: 'none', lookup: 'map' })}
SELECT tgw_attachment_id, cseg, vseg, protocol, port, sum(${lostSql()}) AS lost, count(*) AS flows, sum(bytes) AS bytes,
  min(start) AS t_first, max(coalesce("end", start)) AS t_last, ${evidenceList(policy.evidence)} AS ev
FROM c GROUP BY ALL ORDER BY lost DESC`;
}
