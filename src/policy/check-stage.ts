// The check's pass over the flows of the range. Flows repeat: the same endpoints talk on the
// same service minute after minute, so flows are grouped first on plain columns (the effective
// endpoints, the hop's address, and one packed integer of reply, service port, protocol, kind
// and a few flags); segment lookups, rules, expectations and silent drops then run on the
// groups (10 M flows of the demo platform make about 700 k). The same pass keeps each
// interface's records with its subnet and VPC (flow-log health).
//
// Grouped per hour, with the minutes of the hour the group was seen in as a 60-bit mask, those
// rows do not depend on the policy: ingest keeps them in HOURLY_TABLE, in the transaction of the
// flows they sum up, where they sum them up well. The check reads that table for each whole
// hour of its range where it holds the store's flows, and groups the flows of the other hours
// (the partial hours at its edges, hours without rows) itself; a policy that judges single
// flows (id claims, minimum bytes, an exception expiring inside the range) groups every flow of
// the range itself. Either way the hourly rows are the view HOURS_VIEW. The traffic groups (one
// row per key over the whole range) are trafficGroupsSql; STAGE_TABLE holds the interface
// groups and NODATA/SKIPDATA per minute and interface.

import { STORE } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql, value } from '../sql/index.js';
import { directSql, forwardsSql, lostSql, replySql } from './classify-sql.js';
import { compiled } from './compiled.js';
import type { Policy } from './model.js';
import { type CheckRange, exceptionState, xmaskOfHourSql, xmaskSql } from './rules-sql.js';
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
  /** the whole hours read from the hourly table; null: every flow is grouped by the check */
  readonly hourly: HourSpan | null;
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

/**
 * The policy judges every flow one by one: their groups cannot come from the hourly table (id
 * members claim flows by their interface, `min-bytes` counts flows by their size). An exception
 * expiring inside the range needs only its expiry's hour read flow by flow (`expiryHours`).
 */
export function judgesSingleFlows(policy: Policy, range: CheckRange): boolean {
  return optionalKeys(policy, range).claims || policy.expectations.some((e) => e.minBytes > 0);
}

/** The traffic key's columns, in order (the stage table and the group classifier agree on them). */
export function trafficKey(policy: Policy, range: CheckRange, shape: StageShape): readonly string[] {
  const o = optionalKeys(policy, range);
  return keyColumns({ ...o, v6: shape.v6 });
}

function keyColumns(o: { hop: boolean; xmask: boolean; claims: boolean; v6: boolean }): readonly string[] {
  return [
    's4',
    'd4',
    ...(o.v6 ? ['s6', 'd6'] : []),
    'pk',
    'action',
    ...(o.hop ? ['h4', ...(o.v6 ? ['h6'] : [])] : []),
    ...(o.xmask ? ['xmask'] : []),
    ...(o.claims ? ['sclaims', 'dclaims', 'hclaims'] : []),
  ];
}

/** How one grouping pass keys flows: the policy's needs, or the hourly table's (every policy-free key). */
interface PassKeys {
  readonly hop: boolean;
  readonly v6: boolean;
  /** per-flow exception bits, id claims per side, expectations' minimum bytes (policy passes only) */
  readonly xmask: SqlNode | null;
  readonly claims: { readonly src: SqlNode; readonly dst: SqlNode; readonly hop: SqlNode } | null;
  readonly minBytes: readonly number[];
}

/** The hourly table's keys: hop and IPv6 always, nothing a policy decides. */
const HOURLY_KEYS: PassKeys = { hop: true, v6: true, xmask: null, claims: null, minBytes: [] };

function passKeys(policy: Policy, range: CheckRange, shape: StageShape): PassKeys {
  const o = optionalKeys(policy, range);
  return {
    hop: o.hop,
    v6: shape.v6,
    xmask: o.xmask ? xmaskSql(policy, range) : null,
    claims: o.claims
      ? { src: claimBits(policy, 'src'), dst: claimBits(policy, 'dst'), hop: claimBits(policy, null) }
      : null,
    minBytes: policy.expectations.map((e) => e.minBytes),
  };
}

const passColumns = (k: PassKeys) =>
  keyColumns({ hop: k.hop, v6: k.v6, xmask: k.xmask !== null, claims: k.claims !== null });

/** The packed key of a flow (columns of `f` below): the service and what the classes and rules read of a flow. */
function packedSql(k: PassKeys): SqlNode {
  // a boolean cast and a shift: cheaper per flow than a CASE (NULL, a missing field, is 0)
  const flag = (cond: SqlNode, b: number) => sql`(coalesce(CAST(${cond} AS BIGINT), 0) << ${n(b)})`;
  const bigs = k.minBytes.flatMap((min, i) =>
    min > 0 ? [flag(sql`bytes >= ${value(min, 'i64')}`, PK.big + i)] : [],
  );
  const parts = [
    raw('coalesce(CAST(port AS BIGINT), 0)'),
    raw(`coalesce(CAST(protocol AS BIGINT) << ${PK.protocol}, ${1n << BigInt(PK.protocolNull)})`),
    flag(raw('port IS NULL'), PK.portNull),
    flag(raw('reply'), PK.reply),
    flag(raw(`kind = 'tgw'`), PK.tgw),
    flag(raw('(tcp_flags & 19) = 2 AND NOT reply'), PK.synOnly),
    flag(sql`kind = 'tgw' AND coalesce(packets, 0) <= ${lostSql()}`, PK.allLost),
    ...(k.hop ? [flag(raw('fwd'), PK.fwd), flag(raw('direct'), PK.direct)] : []),
    ...bigs,
  ];
  return join(parts, ' + ');
}

/** The hop's address (the forwarding interface's own), where the pass keeps hops. */
function hops(k: PassKeys): SqlNode {
  if (!k.hop) return raw('');
  const hop = (f: 'v4' | 'v6') =>
    sql`CASE WHEN fwd THEN (CASE WHEN flow_direction = 'egress' THEN ${ident(`srcaddr_${f}`)} ELSE ${ident(`dstaddr_${f}`)} END) END`;
  return sql`, ${hop('v4')} AS h4${k.v6 ? sql`, ${hop('v6')} AS h6` : raw('')}`;
}

const v4Only = (side: Side) => ({ v4: raw(`coalesce(pkt_${side}addr_v4, ${side}addr_v4)`), v6: raw('NULL') });

/** flow_core's effective address: the captured one (its pkt-* is absent or the same), IPv4 only. */
const coreOnly = (side: Side) => ({ v4: ident(`${side}addr_v4`), v6: raw('CAST(NULL AS UHUGEINT)') });

function flowColumns(k: PassKeys, core: boolean): SqlNode {
  // without IPv6 in the range, the effective IPv4 address is simply the first one present
  const [src, dst] = core
    ? [coreOnly('src'), coreOnly('dst')]
    : k.v6
      ? [effectiveAddress('src'), effectiveAddress('dst')]
      : [v4Only('src'), v4Only('dst')];
  return sql`${src.v4} AS s4, ${dst.v4} AS d4${k.v6 ? sql`, ${src.v6} AS s6, ${dst.v6} AS d6` : raw('')}, ${replySql()} AS reply, action, packets,
  ${k.hop && !core ? sql`${forwardsSql(k.v6)} AS fwd` : raw('false AS fwd')}${k.xmask === null ? raw('') : sql`, ${k.xmask} AS xmask`}${
    k.claims === null
      ? raw('')
      : sql`, ${k.claims.src} AS sclaims, ${k.claims.dst} AS dclaims, ${k.claims.hop} AS hclaims`
  },
  ${ident('interface_id')}, CASE WHEN flow_direction = 'ingress' THEN dstaddr_v4 ELSE srcaddr_v4 END AS cap4, CASE WHEN flow_direction = 'ingress' THEN dstaddr_v6 ELSE srcaddr_v6 END AS cap6,
  ${ident('subnet_id')}, ${ident('vpc_id')}, start, coalesce("end", start) AS "end", bytes, srcport, dstport, protocol, kind, tcp_flags, packets_lost_no_route, packets_lost_blackhole, packets_lost_mtu_exceeded, packets_lost_ttl_expired, traffic_path, flow_direction, pkt_dst_aws_service, srcaddr_v4, srcaddr_v6, dstaddr_v4, dstaddr_v6,
  pkt_srcaddr_v4, pkt_srcaddr_v6`;
}

/** The interface key of the hourly rows (flow-log health). */
const INTERFACE_KEY = ['interface_id', 'cap4', 'cap6', 'subnet_id', 'vpc_id'];

/**
 * Hourly rows of the flows `where` selects (log-status OK): per hour and traffic key (grouping
 * 0) and per hour and interface (grouping 1), flows, bytes, first start, last end, and the
 * minutes of the hour with a flow that is not REJECT (bit m: minute m; NULL if none).
 */
function hourlyRowsSql(k: PassKeys, where: SqlNode): SqlNode {
  const key = join(passColumns(k).map((c) => ident(c)));
  const iface = join(INTERFACE_KEY.map((c) => ident(c)));
  return sql`${keyedFlowsSql(k, where)}
SELECT CAST(CASE WHEN GROUPING(pk) = 0 THEN ${n(SETS.traffic)} ELSE ${n(SETS.interfaces)} END AS UTINYINT) AS grouping, hour, ${key}, ${iface},
  count(*) AS flows, CAST(sum(bytes) AS BIGINT) AS bytes, min(start) AS t_first, max("end") AS t_last,
  bit_or(CAST(1 AS BIGINT) << CAST(start // 60 % 60 AS BIGINT)) FILTER (WHERE action IS DISTINCT FROM 'REJECT') AS minutes
FROM f GROUP BY GROUPING SETS ((hour, ${key}), (hour, ${iface}))`;
}

/** WITH ... f: the flows `where` selects (log-status OK), each with its hour and the pass's key columns. */
function keyedFlowsSql(k: PassKeys, where: SqlNode): SqlNode {
  return sql`WITH f0 AS (SELECT ${flowColumns(k, true)} FROM ${ident(STORE.coreView)} WHERE ${ident('log_status')} = 'OK' AND ${where}
  UNION ALL BY NAME
  SELECT ${flowColumns(k, false)} FROM ${ident(STORE.wide)} WHERE ${ident('log_status')} = 'OK' AND ${where}),
f1 AS (SELECT *, CASE WHEN reply THEN srcport ELSE dstport END AS port${k.hop ? sql`, ${directSql(k.v6)} AS direct` : raw('')}${hops(k)} FROM f0),
f AS (SELECT *, ${packedSql(k)} AS pk, CAST(start // 3600 AS UINTEGER) AS hour FROM f1)`;
}

const filesWhere = (files?: { readonly first: number; readonly last: number }): SqlNode =>
  files === undefined
    ? raw('TRUE')
    : sql`${ident('file_id')} BETWEEN ${value(files.first, 'u32')} AND ${value(files.last, 'u32')}`;

/** The table of hourly rows ingest keeps (a new layout takes a new name, and is filled from the flows). */
export const HOURLY_TABLE = 'fs_hourly_v1';

/**
 * The order the hourly rows are written in: by hour, then key. The rows come out of a hash
 * aggregate in no order; sorted, each key column holds neighbouring values, and the demo
 * platform's hourly table took 22 bytes a row instead of 32 (docs/specs/ingest.md).
 */
const HOURLY_ORDER = raw('ORDER BY grouping, hour, s4, d4, pk');

/**
 * Runs `node` with DuckDB keeping the ORDER BY it writes in: a writer's connection runs with
 * preserve_insertion_order off (engine/duckdb: its loads are faster so), and then writes sorted
 * rows in no particular order.
 */
export function writtenInOrder(node: SqlNode): readonly SqlNode[] {
  return [sql`SET preserve_insertion_order = true`, node, sql`SET preserve_insertion_order = false`];
}

/** The hourly table's statements, for ingest: its existence, its creation, and a transaction's rows (staged, then kept or not). */
export const hourlyTable = Object.freeze({
  exists: (): SqlNode =>
    sql`SELECT table_name FROM duckdb_tables() WHERE table_name = ${value(HOURLY_TABLE, 'text')} AND NOT temporary`,
  /** the rows of a transaction's files, or of every stored flow */
  rows: (files?: { readonly first: number; readonly last: number }): SqlNode =>
    hourlyRowsSql(HOURLY_KEYS, filesWhere(files)),
  /**
   * About how many rows `rows` would make, and the flows: distinct keys per hour counted by
   * HyperLogLog (a few percent over or under), a pass without the grouping's aggregates. Inside
   * an ingest transaction 500 k flows of conversations seen once took 0.8 s to stage and group.
   */
  estimate: (files?: { readonly first: number; readonly last: number }): SqlNode => {
    const cols = (names: readonly string[]) => join(['hour', ...names].map((c) => ident(c)));
    return sql`${keyedFlowsSql(HOURLY_KEYS, filesWhere(files))}
SELECT approx_count_distinct((${cols(passColumns(HOURLY_KEYS))})) + approx_count_distinct((${cols(INTERFACE_KEY)})) AS rows, count(*) AS flows FROM f`;
  },
  /** the table, from the staged rows (all of them, or none: only their columns) */
  create: (rows: boolean): SqlNode =>
    sql`CREATE TABLE ${ident(HOURLY_TABLE)} AS SELECT * FROM ${ident(STAGED_TABLE)}${rows ? sql` ${HOURLY_ORDER}` : raw(' LIMIT 0')}`,
  /** a transaction's rows (every stored flow's without files), into a temporary table first: kept only if they sum flows up well */
  stage: (files?: { readonly first: number; readonly last: number }): SqlNode =>
    sql`CREATE OR REPLACE TEMP TABLE ${ident(STAGED_TABLE)} AS ${hourlyTable.rows(files)}`,
  /** the staged rows, the flows they sum up, and their first and last hour */
  staged: (): SqlNode =>
    sql`SELECT count(*) AS rows, coalesce(sum(flows) FILTER (WHERE grouping = ${n(SETS.traffic)}), 0) AS flows,
  min(hour) AS first_hour, max(hour) AS last_hour FROM ${ident(STAGED_TABLE)}`,
  /** the staged rows into the table, sorted (to run through writtenInOrder) */
  keep: (): SqlNode =>
    sql`INSERT INTO ${ident(HOURLY_TABLE)} BY NAME SELECT * FROM ${ident(STAGED_TABLE)} ${HOURLY_ORDER}`,
  /**
   * A table whose minute masks are 128-bit (a UBIGINT shifted by an INTEGER is a HUGEINT: what
   * flowsight wrote before 2026-12-03); 64 bits hold the 60 minutes, and read faster.
   */
  wideMinutes: (): SqlNode =>
    sql`SELECT data_type FROM duckdb_columns() WHERE table_name = ${value(HOURLY_TABLE, 'text')} AND database_name = current_database() AND column_name = 'minutes' AND data_type <> 'BIGINT'`,
  narrowMinutes: (): SqlNode => sql`ALTER TABLE ${ident(HOURLY_TABLE)} ALTER minutes TYPE BIGINT`,
  unstage: (): SqlNode => sql`DROP TABLE IF EXISTS ${ident(STAGED_TABLE)}`,
});

const STAGED_TABLE = 'fs_hourly_staged';

const HOURLY_COLUMNS = [
  'grouping',
  'hour',
  ...keyColumns({ hop: true, xmask: false, claims: false, v6: true }),
  ...INTERFACE_KEY,
];

/** The hourly table's statements for keeping it compact: ingest runs them (the table is policy-free). */
export const hourlyUpkeep = Object.freeze({
  /** the last hour the table holds */
  lastHour: (): SqlNode => sql`SELECT max(hour) AS hour FROM ${ident(HOURLY_TABLE)}`,
  /**
   * One row per key in hours [first, last]: rows of one hour and key written by several
   * transactions (or runs) merged, which every reader would otherwise merge again. To run in
   * one transaction.
   */
  compact: (first: number, last: number): readonly SqlNode[] => {
    const hours = sql`hour BETWEEN ${value(first, 'u32')} AND ${value(last, 'u32')}`;
    const keys = join(HOURLY_COLUMNS.map((c) => ident(c)));
    return [
      sql`CREATE OR REPLACE TEMP TABLE fs_hourly_merged AS SELECT ${keys}, CAST(sum(flows) AS BIGINT) AS flows, CAST(sum(bytes) AS BIGINT) AS bytes,
  min(t_first) AS t_first, max(t_last) AS t_last, bit_or(minutes) AS minutes FROM ${ident(HOURLY_TABLE)} WHERE ${hours} GROUP BY ${keys}`,
      sql`DELETE FROM ${ident(HOURLY_TABLE)} WHERE ${hours}`,
      ...writtenInOrder(
        sql`INSERT INTO ${ident(HOURLY_TABLE)} BY NAME SELECT * FROM fs_hourly_merged ${HOURLY_ORDER}`,
      ),
      sql`DROP TABLE fs_hourly_merged`,
    ];
  },
});

/**
 * The hours more than one writer touched: where the spans of a run's transactions overlap each
 * other or the hours the table held before the run (up to `before`), as inclusive ranges.
 */
export function overlappingHours(
  spans: readonly (readonly [number, number])[],
  before: number | null,
): (readonly [number, number])[] {
  const all = before === null ? [...spans] : [[-Infinity, before] as const, ...spans];
  const twice: [number, number][] = [];
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      const [a1, b1] = all[i] as readonly [number, number];
      const [a2, b2] = all[j] as readonly [number, number];
      const a = Math.max(a1, a2);
      const b = Math.min(b1, b2);
      if (a <= b) twice.push([a, b]);
    }
  return mergedRuns(twice);
}

/**
 * The hours read from the hourly table: the range's whole hours [from, to) (either end open when
 * the range is) but the `missing` ones (inclusive runs), where the table does not hold exactly
 * the flows the store does (ingest keeps the rows only where they sum flows up; a store from
 * before the table has none).
 */
export interface HourSpan {
  readonly from?: number;
  readonly to?: number;
  readonly missing: readonly (readonly [number, number])[];
}

export function wholeHours(range: { readonly since?: number; readonly until?: number }): HourSpan {
  return {
    ...(range.since === undefined ? {} : { from: Math.ceil(range.since / 3600) }),
    ...(range.until === undefined ? {} : { to: Math.floor(range.until / 3600) }),
    missing: [],
  };
}

/** Hour `h` of a span's whole hours. */
export const inSpan = (h: HourSpan, hour: number): boolean =>
  (h.from === undefined || hour >= h.from) && (h.to === undefined || hour < h.to);

/** Inclusive integer stretches, sorted, with overlapping or touching ones merged. */
export function mergedRuns(spans: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  const out: [number, number][] = [];
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Runs of consecutive hours, inclusive. */
export const hourRuns = (hours: readonly number[]): (readonly [number, number])[] =>
  mergedRuns(hours.map((h) => [h, h] as const));

/** Flows starting inside the whole hours of a span. */
export function inHoursSql(h: HourSpan): SqlNode {
  return timeWhere({
    ...(h.from === undefined ? {} : { since: h.from * 3600 }),
    ...(h.to === undefined ? {} : { until: h.to * 3600 }),
  });
}

/**
 * The range's flows the hourly table does not give: before its first whole hour, from its
 * last, and in its missing hours, each a plain time range (zone maps skip the rest); FALSE when
 * the table gives every one.
 */
export function edgesWhere(range: CheckRange, h: HourSpan): SqlNode {
  const parts: SqlNode[] = [];
  if (h.from !== undefined && range.since !== undefined && range.since < h.from * 3600)
    parts.push(timeWhere({ since: range.since, until: h.from * 3600 }));
  if (h.to !== undefined && range.until !== undefined && h.to * 3600 < range.until)
    parts.push(timeWhere({ since: h.to * 3600, until: range.until }));
  // only the whole hours' missing ones: an hour outside them (the expiry hour of an exception
  // that is also the range's partial first hour) is read above, from the range's edge, and
  // reading it whole counted its flows before the range, and those after the edge twice
  for (const [a, b] of h.missing) {
    const [from, to] = [Math.max(a, h.from ?? a), Math.min(b, h.to === undefined ? b : h.to - 1)];
    if (from <= to) parts.push(timeWhere({ since: from * 3600, until: (to + 1) * 3600 }));
  }
  return parts.length === 0 ? raw('FALSE') : sql`(${join(parts, ' OR ')})`;
}

/**
 * The hourly table per hour of a span's whole hours: its flows (to compare with the store's),
 * last end, and whether it holds IPv6 addresses.
 */
export function hourlyFlowsSql(h: HourSpan): SqlNode {
  const w: SqlNode[] = [raw('TRUE')];
  if (h.from !== undefined) w.push(sql`hour >= ${value(h.from, 'u32')}`);
  if (h.to !== undefined) w.push(sql`hour < ${value(h.to, 'u32')}`);
  return sql`SELECT hour, coalesce(sum(flows) FILTER (WHERE grouping = ${n(SETS.traffic)}), 0) AS flows, max(t_last) AS t_last,
  count(*) FILTER (WHERE s6 IS NOT NULL OR d6 IS NOT NULL OR h6 IS NOT NULL OR cap6 IS NOT NULL) AS v6
FROM ${ident(HOURLY_TABLE)} WHERE ${join(w, ' AND ')} GROUP BY hour`;
}

export const HOURS_VIEW = 'fs_check_hours';
export const EDGES_TABLE = 'fs_check_edges';

/**
 * The stage's statements: the hourly rows the table does not hold (the partial hours at the
 * range's edges, or every hour when `shape.hourly` is null) into EDGES_TABLE; HOURS_VIEW, the
 * hourly rows of the whole range in the policy's key; then STAGE_TABLE, the interface groups
 * over the whole range and NODATA/SKIPDATA records per minute and interface (the traffic
 * groups are trafficGroupsSql).
 */
export function stageSql(policy: Policy, range: CheckRange, shape: StageShape): readonly SqlNode[] {
  const k = passKeys(policy, range, shape);
  const cols = passColumns(k);
  const h = shape.hourly;
  const edges = h === null ? timeWhere(range) : edgesWhere(range, h);
  // the hourly table's rows in the policy's key: without hops, their flags and addresses merge
  const fromTable = (): SqlNode => {
    const hopBits = (1n << BigInt(PK.fwd)) | (1n << BigInt(PK.direct));
    const proj = cols.map((c) =>
      c === 'pk' && !k.hop
        ? raw(`pk & ${~hopBits} AS pk`)
        : c === 'xmask'
          ? sql`${xmaskOfHourSql(policy, range)} AS xmask`
          : ident(c),
    );
    const w: SqlNode[] = [];
    // a view cannot take bound values: the hours are integers of ours
    if (h?.from !== undefined) w.push(sql`hour >= ${n(Math.trunc(h.from))}`);
    if (h?.to !== undefined) w.push(sql`hour < ${n(Math.trunc(h.to))}`);
    for (const [a, b] of h?.missing ?? [])
      w.push(sql`hour NOT BETWEEN ${n(Math.trunc(a))} AND ${n(Math.trunc(b))}`);
    return sql`SELECT grouping, hour, ${join(proj)}, ${join(INTERFACE_KEY.map((c) => ident(c)))}, flows, bytes, t_first, t_last, minutes
  FROM ${ident(HOURLY_TABLE)}${w.length === 0 ? raw('') : sql` WHERE ${join(w, ' AND ')}`}
  UNION ALL BY NAME `;
  };
  const iface = join(INTERFACE_KEY.map((c) => ident(c)));
  const status = (s: string) => raw(`count(*) FILTER (WHERE log_status = '${s}')`);
  return [
    sql`CREATE OR REPLACE TEMP TABLE ${ident(EDGES_TABLE)} AS ${hourlyRowsSql(k, edges)}`,
    sql`CREATE OR REPLACE TEMP VIEW ${ident(HOURS_VIEW)} AS ${h === null ? raw('') : fromTable()}SELECT * FROM ${ident(EDGES_TABLE)}`,
    sql`CREATE OR REPLACE TEMP TABLE ${ident(STAGE_TABLE)} AS
SELECT ${n(SETS.interfaces)} AS grouping, ${iface}, ${SUMS} FROM ${ident(HOURS_VIEW)} WHERE grouping = ${n(SETS.interfaces)} GROUP BY ${iface}
UNION ALL BY NAME
SELECT ${n(SETS.nodata)} AS grouping, interface_id, subnet_id, vpc_id, start // 60 AS minute, ${status('NODATA')} AS nodata, ${status('SKIPDATA')} AS skipdata,
  min(start) AS t_first, max(coalesce("end", start)) AS t_last
FROM ${ident(STORE.table)} WHERE log_status <> 'OK' AND ${timeWhere(range)} GROUP BY ALL`,
  ];
}

// sums back to BIGINT (DuckDB sums BIGINT into HUGEINT, twice as dear to write and read)
const SUMS = raw(
  'CAST(sum(flows) AS BIGINT) AS flows, CAST(sum(bytes) AS BIGINT) AS bytes, min(t_first) AS t_first, max(t_last) AS t_last',
);

/**
 * The traffic groups: one row per traffic key over the whole range (a subquery; the group
 * classifier materialises it classified, which saves writing the groups twice).
 */
export function trafficGroupsSql(policy: Policy, range: CheckRange, shape: StageShape): SqlNode {
  const key = join(trafficKey(policy, range, shape).map((c) => ident(c)));
  return sql`SELECT ${key}, ${SUMS} FROM ${ident(HOURS_VIEW)} WHERE grouping = ${n(SETS.traffic)} GROUP BY ${key}`;
}

/** Equal keys, NULL equal to NULL: a group and its hourly rows. */
export function sameKey(a: string, b: string, cols: readonly string[]): SqlNode {
  return join(
    cols.map((c) => raw(`${a}.${c} IS NOT DISTINCT FROM ${b}.${c}`)),
    ' AND ',
  );
}

/**
 * Minute slots (Minutes) of hourly masks: rows (i, s) from `rows(i, hour, mask)`, one per slot
 * with a minute set.
 */
export function slotsOfMasks(m: Minutes, rows: SqlNode): SqlNode {
  return sql`SELECT DISTINCT i, CAST((hour * 60 + b - ${n(m.first)}) // ${n(m.unit)} AS BIGINT) AS s FROM (${rows}) x, range(60) r(b) WHERE (mask >> CAST(b AS INTEGER)) & 1 = 1`;
}
