// The checks that need no rules. Dropped: an accepted TCP SYN (no ACK) with no reply flow
// (SYN-ACK or RST back, the same endpoints and ports swapped) within a minute of it: what a
// firewall's silent drop looks like in flow logs. TGW loss: Transit Gateway records with
// packets-lost-* above zero, per attachment. Both narrow the flows first and classify only those.

import { STORE } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql, value } from '../sql/index.js';
import { evidenceList } from './check-rules.js';
import { type Minutes, timeWhere } from './check-stage.js';
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
 * CREATE TEMP TABLE fs_check_dropped, from the classified traffic groups: each connection's
 * minutes with SYN-only requests (SYN without ACK or FIN: a FIN means the connection was set
 * up) that passed, and no reply of that connection in the same or a neighbouring minute.
 */
export function droppedConnectionsSql(): SqlNode {
  const traffic = ident(TRAFFIC_TABLE);
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(DROPPED_TABLE)} AS
WITH syn AS (SELECT s4, s6, d4, d6, port, cseg, vseg, bit_or(slots) AS slots FROM ${traffic} WHERE synonly AND protocol = 6 AND cls = 1 GROUP BY ALL),
ans AS (SELECT t.s4, t.s6, t.d4, t.d6, t.port, bit_or(t.slots) AS slots FROM ${traffic} t SEMI JOIN syn ON ${same('t', 'syn', ENDS, ['d4', 'd6', 's4', 's6'])} AND t.port = syn.port
  WHERE t.reply AND t.protocol = 6 AND t.slots IS NOT NULL GROUP BY ALL),
x AS (SELECT syn.s4, syn.s6, syn.d4, syn.d6, syn.port, syn.cseg, syn.vseg, a.slots AS answered,
    CASE WHEN a.slots IS NULL THEN syn.slots ELSE syn.slots & ~a.slots END AS unanswered
  FROM syn LEFT JOIN ans a ON ${same('a', 'syn', ENDS, ['d4', 'd6', 's4', 's6'])} AND a.port = syn.port),
-- bit strings are dear: the neighbouring minutes are looked at only where the same minute had no answer
y AS (SELECT * FROM x WHERE bit_count(unanswered) > 0)
SELECT * EXCLUDE (answered, unanswered) FROM (SELECT *, CASE WHEN answered IS NULL THEN unanswered ELSE unanswered & ~((answered << 1) | (answered >> 1)) END AS dropped FROM y)
WHERE bit_count(dropped) > 0`;
}

export const droppedPortsSql = (): SqlNode =>
  sql`SELECT DISTINCT port FROM ${ident(DROPPED_TABLE)} ORDER BY port`;

/**
 * Rows: cseg, vseg, protocol, port, flows, bytes, t_first, t_last, ev: the SYN-only flows of the
 * dropped connections in their dropped minutes (a narrow pass over the flows on those ports).
 */
export function droppedSql(
  policy: Policy,
  range: CheckRange,
  m: Minutes,
  ports: readonly number[],
): SqlNode | null {
  if (ports.length === 0) return null;
  const [s, d] = [effectiveAddress('src'), effectiveAddress('dst')];
  const passed = sql`(${ident('action')} = 'ACCEPT' OR (${ident(STORE.kindColumn)} = 'tgw' AND coalesce(${ident('packets')}, 0) > ${lostSql()}))`;
  return sql`WITH f AS (SELECT *, ${s.v4} AS q_s4, ${s.v6} AS q_s6, ${d.v4} AS q_d4, ${d.v6} AS q_d6,
    CAST((start // 60 - ${raw(String(m.first))}) // ${raw(String(m.unit))} AS INTEGER) AS slot FROM ${ident(STORE.table)}
  WHERE ${ident('log_status')} = 'OK' AND ${timeWhere(range)} AND ${ident('protocol')} = 6 AND ${ident('dstport')} IN (${join(ports.map((p) => value(p, 'u16')))})
    AND (${ident('tcp_flags')} & 19) = 2 AND ${passed}),
c AS (SELECT f.*, dc.cseg, dc.vseg, dc.port FROM f JOIN ${ident(DROPPED_TABLE)} dc ON ${same('f', 'dc', ['q_s4', 'q_s6', 'q_d4', 'q_d6'], ENDS)} AND f.dstport = dc.port
  WHERE get_bit(dc.dropped, f.slot) = 1)
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
