// The check's one pass over every flow of the range. Flows repeat: the same endpoints talk on
// the same service minute after minute, so the pass groups them first on plain columns (the
// effective endpoints, the hop's address, and one packed integer of reply, service port,
// protocol, kind and a few flags) with the minutes they were seen in as a bitmap; segment
// lookups, rules, expectations and silent drops then run on the groups (10 M flows of the demo
// platform make about 750 k). The same pass counts each interface's records and minutes, with
// its subnet and VPC (flow-log health); NODATA/SKIPDATA records per minute and interface come
// from a narrow second scan. Everything goes to one temporary table.

import { STORE } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql, value } from '../sql/index.js';
import { directSql, forwardsSql, lostSql, replySql } from './classify-sql.js';
import { compiled } from './compiled.js';
import type { Policy } from './model.js';
import { type CheckRange, exceptionState, xmaskSql } from './rules-sql.js';
import { claimSql, effectiveAddress, type Side } from './segment-sql.js';

export const STAGE_TABLE = 'fs_check_groups';

/** Which grouping a row of the stage table belongs to (its `grouping` column). */
export const SETS = Object.freeze({ traffic: 0, interfaces: 1, nodata: 2 });

/** Expectation instances, flattened in policy order. */
export function instancesOf(
  policy: Policy,
): readonly { readonly exp: number; readonly label: string; readonly index: number }[] {
  return policy.expectations.flatMap((e, exp) =>
    e.instances.map((inst, i) => ({ exp, label: inst.label, index: i })),
  );
}

/** The minutes the stage's bitmaps cover: bit i is the `unit` minutes from minute `first + i * unit`. */
export interface Minutes {
  readonly first: number;
  readonly count: number;
  readonly unit: number;
}

/** Minute bitmaps up to 4096 bits: a day in minutes, a month in 11-minute units. */
export function minutesOf(start: number, end: number): Minutes {
  const first = Math.floor(start / 60);
  const span = Math.max(1, Math.floor(Math.max(start, end - 1) / 60) - first + 1);
  const unit = Math.max(1, Math.ceil(span / 4096));
  return { first, count: Math.ceil(span / unit), unit };
}

/** How the stage is shaped for a policy and the data: which optional inputs its groups keep. */
export interface StageShape {
  readonly minutes: Minutes;
  /** the range holds IPv6 flows: keep the 128-bit halves */
  readonly v6: boolean;
}

/** Bits of the packed key `pk`; port and protocol have a bit of their own for NULL. */
export const PK = Object.freeze({
  port: 0,
  protocol: 16,
  reply: 24,
  tgw: 25,
  fwd: 26,
  direct: 27,
  synOnly: 28,
  allLost: 29,
  big: 30,
  portNull: 61,
  protocolNull: 62,
});

const n = (x: number | bigint): SqlNode => raw(String(x));
const bit = (b: number): SqlNode => n(1n << BigInt(b));

/** Bits of the id claims that hold for a flow on one side (policies with id members only). */
function claimBits(policy: Policy, side: Side | null): SqlNode {
  const claims = compiled(policy).claims;
  return join(
    claims.map((k, j) => sql`CASE WHEN ${claimSql(k, side)} THEN ${bit(j)} ELSE 0 END`),
    ' + ',
  );
}

export function timeWhere(range: CheckRange): SqlNode {
  const parts: SqlNode[] = [raw('TRUE')];
  if (range.since !== undefined) parts.push(sql`${ident('start')} >= ${value(range.since, 'u32')}`);
  if (range.until !== undefined) parts.push(sql`${ident('start')} < ${value(range.until, 'u32')}`);
  return join(parts, ' AND ');
}

/** What the policy reads that a group must keep apart. */
export function optionalKeys(
  policy: Policy,
  range: CheckRange,
): { readonly hop: boolean; readonly xmask: boolean; readonly claims: boolean } {
  return {
    hop: policy.rules.some((r) => r.kind === 'egress-via'),
    xmask: policy.exceptions.some((e) => exceptionState(e, range) === 'per-flow'),
    claims: compiled(policy).claims.length > 0,
  };
}

/** The traffic key's columns, in order (the stage table and the group classifier agree on them). */
export function trafficKey(policy: Policy, range: CheckRange, shape: StageShape): readonly string[] {
  const o = optionalKeys(policy, range);
  return [
    's4',
    'd4',
    ...(shape.v6 ? ['s6', 'd6'] : []),
    'pk',
    'action',
    ...(o.hop ? ['h4', ...(shape.v6 ? ['h6'] : [])] : []),
    ...(o.xmask ? ['xmask'] : []),
    ...(o.claims ? ['sclaims', 'dclaims', 'hclaims'] : []),
  ];
}

/** The packed key of a flow (columns of `f` below): the service and what the classes and rules read of a flow. */
function packedSql(policy: Policy, range: CheckRange): SqlNode {
  const o = optionalKeys(policy, range);
  // a boolean cast and a shift: cheaper per flow than a CASE (NULL, a missing field, is 0)
  const flag = (cond: SqlNode, b: number) => sql`(coalesce(CAST(${cond} AS BIGINT), 0) << ${n(b)})`;
  const bigs = policy.expectations.flatMap((e, i) =>
    e.minBytes > 0 ? [flag(sql`bytes >= ${value(e.minBytes, 'i64')}`, PK.big + i)] : [],
  );
  const parts = [
    raw('coalesce(CAST(port AS BIGINT), 0)'),
    raw(`coalesce(CAST(protocol AS BIGINT) << ${PK.protocol}, ${1n << BigInt(PK.protocolNull)})`),
    flag(raw('port IS NULL'), PK.portNull),
    flag(raw('reply'), PK.reply),
    flag(raw(`kind = 'tgw'`), PK.tgw),
    flag(raw('(tcp_flags & 19) = 2 AND NOT reply'), PK.synOnly),
    flag(sql`kind = 'tgw' AND coalesce(packets, 0) <= ${lostSql()}`, PK.allLost),
    ...(o.hop ? [flag(raw('fwd'), PK.fwd), flag(raw('direct'), PK.direct)] : []),
    ...bigs,
  ];
  return join(parts, ' + ');
}

/** The hop's address (the forwarding interface's own), where the policy has egress-via rules. */
function hops(policy: Policy, range: CheckRange, shape: StageShape): SqlNode {
  if (!optionalKeys(policy, range).hop) return raw('');
  const hop = (f: 'v4' | 'v6') =>
    sql`CASE WHEN fwd THEN (CASE WHEN flow_direction = 'egress' THEN ${ident(`srcaddr_${f}`)} ELSE ${ident(`dstaddr_${f}`)} END) END`;
  return sql`, ${hop('v4')} AS h4${shape.v6 ? sql`, ${hop('v6')} AS h6` : raw('')}`;
}

const v4Only = (side: Side) => ({ v4: raw(`coalesce(pkt_${side}addr_v4, ${side}addr_v4)`), v6: raw('NULL') });

/** flow_core's effective address: the captured one (its pkt-* is absent or the same), IPv4 only. */
const coreOnly = (side: Side) => ({ v4: ident(`${side}addr_v4`), v6: raw('CAST(NULL AS UHUGEINT)') });

function flowColumns(policy: Policy, range: CheckRange, shape: StageShape, core: boolean): SqlNode {
  // without IPv6 in the range, the effective IPv4 address is simply the first one present
  const [src, dst] = core
    ? [coreOnly('src'), coreOnly('dst')]
    : shape.v6
      ? [effectiveAddress('src'), effectiveAddress('dst')]
      : [v4Only('src'), v4Only('dst')];
  const o = optionalKeys(policy, range);
  const m = shape.minutes;
  return sql`${src.v4} AS s4, ${dst.v4} AS d4${shape.v6 ? sql`, ${src.v6} AS s6, ${dst.v6} AS d6` : raw('')}, ${replySql()} AS reply, action, packets,
  ${o.hop && !core ? sql`${forwardsSql(shape.v6)} AS fwd` : raw('false AS fwd')}, ${o.xmask ? sql`${xmaskSql(policy, range)} AS xmask` : raw('0 AS xmask')},
  ${o.claims ? sql`${claimBits(policy, 'src')} AS sclaims, ${claimBits(policy, 'dst')} AS dclaims, ${claimBits(policy, null)} AS hclaims` : raw('0 AS sclaims')},
  CAST((start // 60 - ${n(m.first)}) // ${n(m.unit)} AS INTEGER) AS slot, ${ident('interface_id')},
  CASE WHEN flow_direction = 'ingress' THEN dstaddr_v4 ELSE srcaddr_v4 END AS cap4, CASE WHEN flow_direction = 'ingress' THEN dstaddr_v6 ELSE srcaddr_v6 END AS cap6,
  ${ident('subnet_id')}, ${ident('vpc_id')}, start, coalesce("end", start) AS "end", bytes, srcport, dstport, protocol, kind, tcp_flags, packets_lost_no_route, packets_lost_blackhole, packets_lost_mtu_exceeded, packets_lost_ttl_expired, traffic_path, flow_direction, pkt_dst_aws_service, srcaddr_v4, srcaddr_v6, dstaddr_v4, dstaddr_v6,
  pkt_srcaddr_v4, pkt_srcaddr_v6`;
}

/** CREATE TEMP TABLE fs_check_groups: traffic groups (every flow), interface groups, NODATA/SKIPDATA per minute. */
export function stageSql(policy: Policy, range: CheckRange, shape: StageShape): SqlNode {
  const key = join(trafficKey(policy, range, shape).map((k) => ident(k)));
  const m = shape.minutes;
  const status = (s: string) => raw(`count(*) FILTER (WHERE log_status = '${s}')`);
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(STAGE_TABLE)} AS
WITH f0 AS (SELECT ${flowColumns(policy, range, shape, true)} FROM ${ident(STORE.coreView)} WHERE ${ident('log_status')} = 'OK' AND ${timeWhere(range)}
  UNION ALL BY NAME
  SELECT ${flowColumns(policy, range, shape, false)} FROM ${ident(STORE.wide)} WHERE ${ident('log_status')} = 'OK' AND ${timeWhere(range)}),
f1 AS (SELECT *, CASE WHEN reply THEN srcport ELSE dstport END AS port${optionalKeys(policy, range).hop ? sql`, ${directSql(shape.v6)} AS direct` : raw('')}${hops(policy, range, shape)} FROM f0),
f AS (SELECT *, ${packedSql(policy, range)} AS pk FROM f1)
SELECT CASE WHEN GROUPING(pk) = 0 THEN ${n(SETS.traffic)} ELSE ${n(SETS.interfaces)} END AS grouping, ${key},
  interface_id, cap4, cap6, subnet_id, vpc_id, NULL AS minute, count(*) AS flows, sum(bytes) AS bytes, min(start) AS t_first, max(coalesce("end", start)) AS t_last,
  bitstring_agg(slot, 0, ${n(m.count - 1)}) FILTER (WHERE action IS DISTINCT FROM 'REJECT') AS slots, 0 AS nodata, 0 AS skipdata
FROM f GROUP BY GROUPING SETS ((${key}), (interface_id, cap4, cap6, subnet_id, vpc_id))
UNION ALL BY NAME
SELECT ${n(SETS.nodata)} AS grouping, interface_id, subnet_id, vpc_id, start // 60 AS minute, ${status('NODATA')} AS nodata, ${status('SKIPDATA')} AS skipdata,
  min(start) AS t_first, max(coalesce("end", start)) AS t_last
FROM ${ident(STORE.table)} WHERE log_status <> 'OK' AND ${timeWhere(range)} GROUP BY ALL`;
}
