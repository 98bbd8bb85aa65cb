// The pipeline that classifies flows in SQL, as common table expressions ending in `c`:
//   e  the flows (traffic only) with their effective addresses (and the capture inputs)
//   l  each address's leaf and top-level index: from the address map (hash joins on the
//      temporary tables of addressMapSql) or, for one-off expressions, from the CASE tree
//   s  segments, reply, class;  k  the connection;  c  capture segment, hop, direct
// Columns of c: the store's CARRIED columns, sseg/dseg, cseg/vseg, ctop/vtop, port, caddr4/6,
// cls, reply, capseg/captop (capture 'full' only), hop/hoptop (not with capture 'none'), direct.

import { STORE } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql } from '../sql/index.js';
import {
  CAPTURE,
  CARRIED,
  captureModeSql,
  captureSql,
  clsSql,
  directSql,
  forwardsSql,
  ownAddress,
  replySql,
} from './classify-sql.js';
import { compiled } from './compiled.js';
import type { Policy } from './model.js';
import {
  ADDRESS_TABLES,
  addressLeafSql,
  effectiveAddress,
  type Side,
  topSql,
  withClaims,
} from './segment-sql.js';

export interface ClassifyOptions {
  /** a predicate on the store's columns, applied first (time range, cheap prefilters) */
  readonly where: SqlNode;
  /** columns of the store to carry beyond CARRIED (e.g. a test row id) */
  readonly extra?: readonly string[];
  /** where the flows come from (a CTE holding store rows); default: the store table */
  readonly source?: SqlNode;
  /**
   * 'full': the capturing interface's segment of every flow (capseg) and the hop; 'hop': only
   * the hop (what rules read); 'none': neither. Default 'full'.
   */
  readonly capture?: 'full' | 'hop' | 'none';
  /** 'map': join the address map tables (they must exist); 'tree': the CASE tree in each row */
  readonly lookup: 'map' | 'tree';
}

/** Addresses looked up: s(ource), d(estination), o(wn, of the capturing interface), h(op). */
type Prefix = 's' | 'd' | 'o' | 'h';
const SIDE: Readonly<Record<Prefix, Side | null>> = { s: 'src', d: 'dst', o: null, h: null };

/** l: <p>l = leaf (0: none), <p>t = top-level index from the map, for each address. */
function lookupCte(policy: Policy, o: ClassifyOptions, used: readonly Prefix[]): SqlNode {
  if (o.lookup === 'map') {
    const cols = used.map((p) =>
      raw(`coalesce(m${p}4.leaf, m${p}6.leaf, 0) AS ${p}l, coalesce(m${p}4.top, m${p}6.top) AS ${p}t`),
    );
    const joins = used.flatMap((p) =>
      (['v4', 'v6'] as const).map((f) => {
        const alias = raw(`m${p}${f.slice(1)}`);
        return sql`LEFT JOIN ${ident(ADDRESS_TABLES[f])} ${alias} ON ${alias}.a = e.${raw(`${p}${f.slice(1)}`)}`;
      }),
    );
    return sql`l AS (SELECT e.*, ${join(cols)} FROM e ${join(joins, ' ')})`;
  }
  const cols = used.map(
    (p) =>
      sql`${addressLeafSql(policy, { v4: raw(`${p}4`), v6: raw(`${p}6`) })} AS ${raw(`${p}l`)}, NULL AS ${raw(`${p}t`)}`,
  );
  return sql`l AS (SELECT *, ${join(cols)} FROM e)`;
}

/** Segment codes from leaves (id claims applied), then their top-level indexes (from the map when it has them). */
function segmentCtes(policy: Policy, o: ClassifyOptions, used: readonly Prefix[]): SqlNode {
  const direct = o.lookup === 'map' && compiled(policy).claims.length === 0;
  const codes = used.map((p) => sql`${withClaims(policy, raw(`${p}l`), SIDE[p])} AS ${raw(`${p}seg`)}`);
  const tops = used.map(
    (p) => sql`${direct ? raw(`${p}t`) : topSql(policy, raw(`${p}seg`))} AS ${raw(`${p}top`)}`,
  );
  return sql`s0 AS (SELECT *, ${join(codes)}, ${replySql()} AS reply, ${clsSql()} AS cls FROM l),
s AS (SELECT *, ${join(tops)} FROM s0)`;
}

/** The capture inputs of e: the capture mode and own address ('full'), or the hop's address ('hop'). */
function captureInputs(mode: 'full' | 'hop' | 'none'): { readonly first: SqlNode; readonly second: SqlNode } {
  const none = { first: raw(''), second: raw('') };
  if (mode === 'none') return none;
  if (mode === 'hop') {
    const pick = (f: 'v4' | 'v6') =>
      sql`CASE WHEN ${forwardsSql()} THEN (CASE WHEN ${ident('flow_direction')} = 'egress' THEN ${ident(`srcaddr_${f}`)} ELSE ${ident(`dstaddr_${f}`)} END) END`;
    return { first: sql`, ${pick('v4')} AS h4, ${pick('v6')} AS h6`, second: raw('') };
  }
  const own = ownAddress();
  const when = raw(`capmode = ${CAPTURE.own}`);
  return {
    first: sql`, ${captureModeSql()} AS capmode`,
    second: sql`, CASE WHEN ${when} THEN ${own.v4} END AS o4, CASE WHEN ${when} THEN ${own.v6} END AS o6`,
  };
}

function captureColumns(policy: Policy, mode: 'full' | 'hop' | 'none'): SqlNode {
  if (mode === 'full') {
    return sql`${captureSql(policy, 'seg')} AS capseg, ${captureSql(policy, 'top')} AS captop`;
  }
  return raw('CAST(NULL AS INTEGER) AS capseg, CAST(NULL AS INTEGER) AS captop');
}

function hopColumns(mode: 'full' | 'hop' | 'none'): SqlNode {
  if (mode === 'full')
    return sql`CASE WHEN ${forwardsSql()} THEN capseg END AS hop, CASE WHEN ${forwardsSql()} THEN captop END AS hoptop`;
  if (mode === 'hop')
    return sql`CASE WHEN ${forwardsSql()} THEN hseg END AS hop, CASE WHEN ${forwardsSql()} THEN htop END AS hoptop`;
  return raw('CAST(NULL AS INTEGER) AS hop, CAST(NULL AS INTEGER) AS hoptop');
}

export function classifyCtes(policy: Policy, o: ClassifyOptions): SqlNode {
  const mode = o.capture ?? 'full';
  const carried = [...CARRIED, ...(o.extra ?? [])].map((n) => ident(n));
  const [src, dst] = [effectiveAddress('src'), effectiveAddress('dst')];
  const swap = (a: string, b: string) => raw(`CASE WHEN reply THEN ${b} ELSE ${a} END`);
  const inputs = captureInputs(mode);
  const used: readonly Prefix[] =
    mode === 'full' ? ['s', 'd', 'o'] : mode === 'hop' ? ['s', 'd', 'h'] : ['s', 'd'];
  return sql`e0 AS (SELECT ${join(carried)}, ${src.v4} AS s4, ${src.v6} AS s6, ${dst.v4} AS d4, ${dst.v6} AS d6${inputs.first}
  FROM ${o.source ?? ident(STORE.table)} WHERE ${ident('log_status')} = 'OK' AND ${o.where}),
e AS (SELECT *${inputs.second} FROM e0),
${lookupCte(policy, o, used)},
${segmentCtes(policy, o, used)},
k AS (SELECT *, ${swap('sseg', 'dseg')} AS cseg, ${swap('dseg', 'sseg')} AS vseg, ${swap('stop', 'dtop')} AS ctop, ${swap('dtop', 'stop')} AS vtop,
  ${swap('dstport', 'srcport')} AS port, ${swap('s4', 'd4')} AS caddr4, ${swap('s6', 'd6')} AS caddr6, ${captureColumns(policy, mode)} FROM s),
c AS (SELECT *, ${hopColumns(mode)}, ${directSql()} AS direct FROM k)`;
}
