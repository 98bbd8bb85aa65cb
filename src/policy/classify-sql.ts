// Each flow as the policy sees it, in SQL: its effective endpoints' segments, whether it is a
// reply, the connection it belongs to (client, server, service port), its class (passed,
// rejected, lost in the TGW) and the segment of the interface that captured it. Rules read only
// these columns, so they can run over single flows or over groups of them alike.
//
// A flow is a reply when its TCP flags say so (SYN-ACK; a bare SYN is a request), otherwise
// when its source port is the lower one (the service side). Rules judge the connection:
// client -> server on the service port, so a reply never counts as traffic of its own.

import { STORE } from '../flow/index.js';
import { and, ident, raw, type SqlNode, sql } from '../sql/index.js';
import { compiled } from './compiled.js';
import type { Policy } from './model.js';
import { untranslated } from './segment-sql.js';

const col = (name: string): SqlNode => ident(name);

/** Flow classes: 1 passed (ACCEPT, or a TGW record with packets through), 2 REJECT, 3 every packet lost in the TGW. */
export const CLS = Object.freeze({ pass: 1, reject: 2, lost: 3 });

const LOST = [
  'packets_lost_no_route',
  'packets_lost_blackhole',
  'packets_lost_mtu_exceeded',
  'packets_lost_ttl_expired',
];

/** Packets the TGW dropped, all reasons. */
export const lostSql = (): SqlNode => raw(`(${LOST.map((c) => `coalesce("${c}", 0)`).join(' + ')})`);

/**
 * The TGW dropped packets of the record (`lostSql() > 0` for counts that cannot be negative),
 * one comparison per column: row groups whose statistics show none lost are skipped (10 M demo
 * flows: 1.5 M TGW records read for 6 with losses, 73 ms, against a sum no statistic can answer).
 */
export const anyLostSql = (): SqlNode => raw(`(${LOST.map((c) => `"${c}" > 0`).join(' OR ')})`);

export function clsSql(): SqlNode {
  return sql`CASE WHEN ${col('action')} = 'ACCEPT' THEN ${raw(String(CLS.pass))} WHEN ${col('action')} = 'REJECT' THEN ${raw(String(CLS.reject))}
  WHEN ${col(STORE.kindColumn)} = 'tgw' THEN (CASE WHEN coalesce(${col('packets')}, 0) > ${lostSql()} THEN ${raw(String(CLS.pass))} ELSE ${raw(String(CLS.lost))} END) END`;
}

export function replySql(): SqlNode {
  // as boolean algebra rather than CASE (cheaper per flow): SYN-ACK is a reply, a bare SYN is
  // not, anything else is when its source port is the lower one
  const f = col('tcp_flags');
  return sql`(coalesce(${col('protocol')} = 6 AND (${f} & 18) = 18, false) OR (NOT coalesce(${col('protocol')} = 6 AND (${f} & 18) = 2, false) AND coalesce(${col('srcport')} < ${col('dstport')}, false)))`;
}

/** Columns of the store every classified flow carries on. */
export const CARRIED = [
  'start',
  'end',
  'interface_id',
  'account_id',
  'vpc_id',
  'subnet_id',
  STORE.kindColumn,
  'action',
  'protocol',
  'srcport',
  'dstport',
  'tcp_flags',
  'packets',
  'bytes',
  'flow_direction',
  'traffic_path',
  'pkt_dst_aws_service',
  'tgw_attachment_id',
  ...LOST,
  ...['srcaddr', 'dstaddr', 'pkt_srcaddr', 'pkt_dstaddr'].flatMap((a) => [`${a}_v4`, `${a}_v6`]),
  ...['src', 'dst'].flatMap((s) =>
    ['vpc_id', 'subnet_id', 'eni', 'vpc_account_id'].map((x) => `tgw_${s}_${x}`),
  ),
] as const;

/**
 * Which segment is the capturing interface's (CAPTURE): the source's (an egress record, or a
 * record without direction whose source is declared), the destination's, or that of its own
 * address `o4`/`o6` when it forwards (its address is not the packet's). NULL for TGW records.
 */
export const CAPTURE = Object.freeze({ own: 0, src: 1, dst: 2, either: 3 });

export function captureModeSql(): SqlNode {
  const dir = col('flow_direction');
  const mode = (m: number) => raw(String(m));
  return sql`CASE WHEN ${col(STORE.kindColumn)} = 'tgw' THEN NULL
  WHEN ${dir} = 'egress' THEN (CASE WHEN ${untranslated('src')} THEN ${mode(CAPTURE.src)} ELSE ${mode(CAPTURE.own)} END)
  WHEN ${dir} = 'ingress' THEN (CASE WHEN ${untranslated('dst')} THEN ${mode(CAPTURE.dst)} ELSE ${mode(CAPTURE.own)} END)
  WHEN ${and(untranslated('src'), untranslated('dst'))} THEN ${mode(CAPTURE.either)} ELSE ${mode(CAPTURE.own)} END`;
}

/** The capturing interface's own address, where the capture mode needs it: the side that was translated. */
export function ownAddress(): { readonly v4: SqlNode; readonly v6: SqlNode } {
  const dir = col('flow_direction');
  const pick = (family: 'v4' | 'v6') => {
    const [s, d] = [col(`srcaddr_${family}`), col(`dstaddr_${family}`)];
    return sql`CASE WHEN ${col(STORE.kindColumn)} = 'tgw' THEN NULL WHEN ${dir} = 'egress' THEN ${s} WHEN ${dir} = 'ingress' THEN ${d}
    WHEN NOT ${untranslated('src')} THEN ${s} WHEN NOT ${untranslated('dst')} THEN ${d} END`;
  };
  return { v4: pick('v4'), v6: pick('v6') };
}

/** The capturing interface's segment and its top-level index, by capture mode. */
export function captureSql(policy: Policy, what: 'seg' | 'top'): SqlNode {
  const [i0, i1] = compiled(policy).internet;
  const declaredSrc = sql`(sseg > 0 AND sseg NOT BETWEEN ${raw(String(i0))} AND ${raw(String(i1))})`;
  const [src, dst, own] = what === 'seg' ? ['sseg', 'dseg', 'oseg'] : ['stop', 'dtop', 'otop'];
  const m = (x: number) => raw(String(x));
  return sql`CASE capmode WHEN ${m(CAPTURE.src)} THEN ${raw(src)} WHEN ${m(CAPTURE.dst)} THEN ${raw(dst)}
  WHEN ${m(CAPTURE.either)} THEN (CASE WHEN ${declaredSrc} THEN ${raw(src)} ELSE ${raw(dst)} END) WHEN ${m(CAPTURE.own)} THEN ${raw(own)} END`;
}

/** The hop a flow passed: the capturing interface, when it forwards (its address is not the packet's). `v6`: the range holds IPv6 flows. */
export function forwardsSql(v6 = true): SqlNode {
  const dir = col('flow_direction');
  return sql`(${col(STORE.kindColumn)} = 'vpc' AND ((${dir} = 'ingress' AND NOT ${untranslated('dst', v6)}) OR (${dir} = 'egress' AND NOT ${untranslated('src', v6)})))`;
}

/** Left through an internet gateway from the client's own interface (traffic-path 8, or 2 unless to S3/DynamoDB). */
export function directSql(v6 = true): SqlNode {
  const gatewayEndpoint = sql`${col('pkt_dst_aws_service')} IN (SELECT id FROM ${ident(STORE.dict)} WHERE value IN ('S3', 'DYNAMODB'))`;
  // the common case (any other traffic path) settles on the first comparison
  return sql`CASE WHEN ${col('traffic_path')} = 8 OR ${col('traffic_path')} = 2 THEN coalesce(${col(STORE.kindColumn)} = 'vpc' AND NOT reply
  AND ${col('flow_direction')} = 'egress' AND ${untranslated('src', v6)} AND (${col('traffic_path')} = 8 OR NOT coalesce(${gatewayEndpoint}, false)), false) ELSE false END`;
}
