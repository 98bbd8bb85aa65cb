// Segments in SQL: a flow's effective address (pkt-* when present) -> the code of its most
// specific segment, as a balanced tree of CASE comparisons over the policy's address partition
// (about 10 integer comparisons a flow for a few hundred blocks), plus id claims when the policy
// names interfaces, subnets, VPCs or accounts. `segmentExpr` gives the name, for the dashboard.

import { type Family, STORE } from '../flow/index.js';
import { and, ident, join, or, raw, type SqlNode, sql, value } from '../sql/index.js';
import { type Compiled, compiled, type IdClaim, RANKED } from './compiled.js';
import type { Piece } from './intervals.js';
import type { IdKind, Policy } from './model.js';

export type Side = 'src' | 'dst';

/** An address as its two stored halves: exactly one is non-NULL for a flow that has it. */
export interface Halves {
  readonly v4: SqlNode;
  readonly v6: SqlNode;
}

const col = (name: string): SqlNode => ident(name);

/** The address as captured: srcaddr/dstaddr. */
export function rawAddress(side: Side): Halves {
  return { v4: col(`${side}addr_v4`), v6: col(`${side}addr_v6`) };
}

/** The address the packet really had: pkt-* when the flow has one (either family), else the captured one. */
export function effectiveAddress(side: Side): Halves {
  const pkt = { v4: col(`pkt_${side}addr_v4`), v6: col(`pkt_${side}addr_v6`) };
  const base = rawAddress(side);
  return {
    v4: sql`coalesce(${pkt.v4}, CASE WHEN ${pkt.v6} IS NULL THEN ${base.v4} END)`,
    v6: sql`coalesce(${pkt.v6}, CASE WHEN ${pkt.v4} IS NULL THEN ${base.v6} END)`,
  };
}

/** The captured address is the packet's own: no pkt-* address, or the same one. */
export function untranslated(side: Side, v6 = true): SqlNode {
  if (!v6) {
    // no IPv6 in the range: the 128-bit halves are all NULL
    return sql`(${col(`pkt_${side}addr_v4`)} IS NULL OR ${col(`pkt_${side}addr_v4`)} = ${col(`${side}addr_v4`)})`;
  }
  const [p4, p6, r4, r6] = [
    `pkt_${side}addr_v4`,
    `pkt_${side}addr_v6`,
    `${side}addr_v4`,
    `${side}addr_v6`,
  ].map(col) as [SqlNode, SqlNode, SqlNode, SqlNode];
  return or(
    and(sql`${p4} IS NULL`, sql`${p6} IS NULL`),
    and(sql`${p4} IS NOT DISTINCT FROM ${r4}`, sql`${p6} IS NOT DISTINCT FROM ${r6}`),
  );
}

const leafOf = (c: Compiled, p: Piece): number =>
  c.claims.length === 0 || p.code === 0 ? p.code : p.rank * RANKED + p.code;

/** The partition's pieces as (first address, leaf), neighbours with the same leaf merged. */
function leaves(c: Compiled, family: Family): readonly (readonly [bigint, number])[] {
  const out: [bigint, number][] = [];
  for (const p of c.pieces[family]) {
    const leaf = leafOf(c, p);
    if (out[out.length - 1]?.[1] !== leaf) out.push([p.first, leaf]);
  }
  return out;
}

/**
 * A binary search over the pieces as nested CASE. The bounds are written as literals, not bound
 * values: they are numbers this compiler computed from CIDRs it parsed (no user text reaches the
 * SQL), and binding some 400 of them per tree triples DuckDB's planning time (45 ms a tree).
 */
function tree(c: Compiled, family: Family, x: SqlNode): SqlNode {
  const pieces = leaves(c, family);
  const cast = family === 'v4' ? 'UINTEGER' : 'UHUGEINT';
  const node = (lo: number, hi: number): SqlNode => {
    if (lo === hi) return raw(String((pieces[lo] as readonly [bigint, number])[1]));
    const mid = (lo + hi + 1) >> 1;
    const bound = raw(`CAST(${(pieces[mid] as readonly [bigint, number])[0].toString()} AS ${cast})`);
    return sql`CASE WHEN ${x} < ${bound} THEN ${node(lo, mid - 1)} ELSE ${node(mid, hi)} END`;
  };
  return node(0, pieces.length - 1);
}

/** The leaf of an address: its code, packed with its rank when the policy has id members; 0 for none. */
export function addressLeafSql(policy: Policy, a: Halves): SqlNode {
  return addressLeaf(compiled(policy), a);
}

function addressLeaf(c: Compiled, a: Halves): SqlNode {
  return sql`CASE WHEN ${a.v4} IS NOT NULL THEN ${tree(c, 'v4', a.v4)} WHEN ${a.v6} IS NOT NULL THEN ${tree(c, 'v6', a.v6)} ELSE 0 END`;
}

const VPC_COLUMN: Readonly<Record<IdKind, string>> = {
  interface: 'interface_id',
  subnet: 'subnet_id',
  vpc: 'vpc_id',
  account: 'account_id',
};
const TGW_COLUMN: Readonly<Record<IdKind, (s: Side) => string>> = {
  interface: (s) => `tgw_${s}_eni`,
  subnet: (s) => `tgw_${s}_subnet_id`,
  vpc: (s) => `tgw_${s}_vpc_id`,
  account: (s) => `tgw_${s}_vpc_account_id`,
};

function dictIn(column: string, ids: readonly string[]): SqlNode {
  return sql`${col(column)} IN (SELECT id FROM ${ident(STORE.dict)} WHERE value IN (${join(ids.map((i) => value(i, 'text')))}))`;
}

/**
 * Where an id claims one side of a flow: on a VPC record, the side that is the capturing
 * interface itself (the source of an egress record, the destination of an ingress one) and was
 * not translated; on a TGW record, the side the tgw-src-* / tgw-dst-* fields describe. With
 * `side` null (the capturing interface of any record), every VPC record of the interface.
 */
export function claimSql(claim: IdClaim, side: Side | null): SqlNode {
  const onVpc = dictIn(VPC_COLUMN[claim.kind], claim.ids);
  if (side === null) return and(sql`${col(STORE.kindColumn)} = 'vpc'`, onVpc);
  const local = sql`${col('flow_direction')} = ${raw(side === 'src' ? "'egress'" : "'ingress'")}`;
  return or(
    and(sql`${col(STORE.kindColumn)} = 'vpc'`, local, untranslated(side), onVpc),
    and(sql`${col(STORE.kindColumn)} = 'tgw'`, dictIn(TGW_COLUMN[claim.kind](side), claim.ids)),
  );
}

/** A leaf (the address's code, packed with its rank when the policy has id members) -> the segment code, id claims applied. */
export function withClaims(policy: Policy, leaf: SqlNode, side: Side | null): SqlNode {
  const c = compiled(policy);
  if (c.claims.length === 0) return leaf;
  const claims = c.claims.map(
    (k) => sql`CASE WHEN ${claimSql(k, side)} THEN ${raw(String(k.rank * RANKED + k.code))} ELSE 0 END`,
  );
  return sql`(greatest(${leaf}, ${join(claims)}) % ${raw(String(RANKED))})`;
}

/** The segment code of an address as SQL (0: in no segment). `side` picks which id claims apply. */
export function segmentCode(policy: Policy, a: Halves, side: Side | null): SqlNode {
  return withClaims(policy, addressLeaf(compiled(policy), a), side);
}

/** The temporary tables of the address map: each distinct address of the checked flows, and its leaf. */
export const ADDRESS_TABLES: Readonly<Record<Family, string>> = {
  v4: 'fs_check_addr4',
  v6: 'fs_check_addr6',
};

/**
 * CREATE TEMP TABLE of one family's distinct addresses among `addresses` (a query of one column
 * `a`) with each one's leaf and top-level index. Flows repeat their addresses: 10 M flows of the
 * demo platform hold about 200 k distinct ones, so the CASE tree runs there and flows (or groups
 * of them) find their segment with a hash join.
 */
export function addressTableSql(policy: Policy, family: Family, addresses: SqlNode): SqlNode {
  const c = compiled(policy);
  const code = c.claims.length === 0 ? raw('leaf') : raw(`leaf % ${RANKED}`);
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(ADDRESS_TABLES[family])} AS
SELECT a, leaf, ${topSql(policy, code)} AS top FROM (SELECT a, ${tree(c, family, raw('a'))} AS leaf FROM (${addresses}) WHERE a IS NOT NULL)`;
}

/** The addresses of the flows `where` picks: effective ones, and captured ones where they are not the packet's. */
export function flowAddressesSql(
  family: Family,
  where: SqlNode,
  source: SqlNode = ident(STORE.table),
): SqlNode {
  const parts = [
    ...(['src', 'dst'] as const).map(
      (side) => sql`SELECT DISTINCT ${effectiveAddress(side)[family]} AS a FROM ${source} WHERE ${where}`,
    ),
    ...(['src', 'dst'] as const).map(
      (side) =>
        sql`SELECT DISTINCT ${rawAddress(side)[family]} AS a FROM ${source} WHERE ${where} AND NOT ${untranslated(side)}`,
    ),
  ];
  return join(parts, '\nUNION\n');
}

/** The address map for the flows `where` picks (tests, one-off checks). */
export function addressMapSql(
  policy: Policy,
  family: Family,
  where: SqlNode,
  source: SqlNode = ident(STORE.table),
): SqlNode {
  return addressTableSql(policy, family, flowAddressesSql(family, where, source));
}

/** The index of a code's top-level segment (a binary search over their code ranges); NULL for none (0) and for the internet. */
export function topSql(policy: Policy, code: SqlNode): SqlNode {
  const c = compiled(policy);
  const ranges = c.topRanges.flatMap(([a, b], i) => (a === c.internet[0] ? [] : [[a, b, i] as const]));
  const node = (lo: number, hi: number): SqlNode => {
    if (lo > hi) return raw('NULL');
    const mid = (lo + hi) >> 1;
    const [a, b, i] = ranges[mid] as readonly [number, number, number];
    return sql`CASE WHEN ${code} < ${raw(String(a))} THEN ${node(lo, mid - 1)} WHEN ${code} <= ${raw(String(b))} THEN ${raw(String(i))} ELSE ${node(mid + 1, hi)} END`;
  };
  return sql`(${node(0, ranges.length - 1)})`;
}

/** code -> name, over any code expression. */
export function codeName(policy: Policy, code: SqlNode): SqlNode {
  const names = policy.segments.map((s) => value(s.name, 'text'));
  return sql`(CASE WHEN ${code} > 0 THEN [${join(names)}][${code}] END)`;
}

/**
 * The name of the most specific segment of a flow's effective source or destination (pkt-*
 * when present), or NULL when it is in none; an expression over the store table's columns.
 */
export function segmentExpr(policy: Policy, side: Side): SqlNode {
  return codeName(policy, segmentCode(policy, effectiveAddress(side), side));
}
