// Grouping that understands derived dimensions (Dimension.derive): flows are grouped by the base
// dimensions' keys (with groupFlows' IPv4 split), then the derived keys are computed per group and
// groups that share them add up. Only additive aggregates (sums and counts) may pass through.
// At 10 M flows, segments of both endpoints cost ~0.65 s this way and ~1.5-2 s per flow.

import { ident, join, type SqlNode, sql } from '../sql/index.js';
import { type Dimension, groupFlows, type KeyedPart, keyedParts, keyName } from './dimensions.js';

/** An aggregate over flows that adds up across groups: `sum(...)` or `count(...)`. */
export interface Additive {
  readonly name: string;
  readonly expr: SqlNode;
}

/**
 * Common table expressions: `name` holds the flows matching `where` grouped by `dims` (keys of
 * dimension i as `keyName(i, j)`; one key for a derived one) with each aggregate under its name.
 */
export function groupAdditive(
  name: string,
  dims: readonly Dimension[],
  where: SqlNode,
  aggs: readonly Additive[],
): SqlNode {
  const list = join(aggs.map((a) => sql`${a.expr} AS ${ident(a.name)}`));
  const sums = join(aggs.map((a) => sql`sum(${ident(a.name)}) AS ${ident(a.name)}`));
  const derived = dims.some((d) => d.derive !== undefined);
  const raw = derived ? `${name}_base` : name;
  const base = dims.map((d) => d.derive?.base ?? d);
  const merged =
    spread(base) > 1 ? groupRows(raw, base, where, list) : groupApart(raw, base, where, list, sums);
  if (!derived) return merged;
  const keys = dims.flatMap((d, i) =>
    d.derive === undefined
      ? d.keys.map((_, j) => ident(keyName(i, j)))
      : [sql`${d.derive.map((j) => ident(keyName(i, j)))} AS ${ident(keyName(i, 0))}`],
  );
  return sql`${merged},
${ident(name)} AS (SELECT ${join(keys)}, ${sums} FROM ${ident(raw)} GROUP BY ALL)`;
}

/** Dimensions with many values (addresses and ports; a segment counts as its address). */
function spread(dims: readonly Dimension[]): number {
  return dims.filter((d) => d.v4 !== undefined || ['srcport', 'dstport', 'service'].includes(d.name)).length;
}

/**
 * Few groups for many flows (one address or port dimension at most): flow_core and flow_wide are
 * grouped apart and their groups merged. On flow_core the keys are plain columns (no
 * effective-address CASE) and each hash table is smaller: top sources over 100 M bench flows took
 * 1.2 s through the flow_store view and 0.86 s this way.
 */
function groupApart(
  name: string,
  dims: readonly Dimension[],
  where: SqlNode,
  list: SqlNode,
  sums: SqlNode,
): SqlNode {
  const keys = join(dims.flatMap((d, i) => d.keys.map((_, j) => ident(keyName(i, j)))));
  const [core, wide] = [`${name}_core`, `${name}_wide`];
  return sql`${groupFlows(core, dims, where, list, 'core')},
${groupFlows(wide, dims, where, list, 'wide')},
${ident(name)} AS (SELECT ${keys}, ${sums} FROM (SELECT * FROM ${ident(core)} UNION ALL SELECT * FROM ${ident(wide)}) GROUP BY ALL)`;
}

/**
 * Groups nearly as many as flows (addresses with ports, say): merging two tables' groups would
 * cost a second pass over millions of them, so the flows of both tables, each with its own key
 * expressions (plain columns on flow_core), are grouped in one pass. Parts whose IPv6 halves are
 * NULL throughout (flow_core, and the IPv4 rows of flow_wide) are grouped apart from the rest,
 * without those halves: no group spans the two (`keyedParts`), and 16-byte NULL keys cost the
 * hash table a quarter of its time (sources, destinations, port and action over 10 M flows:
 * 0.65 -> 0.48 s).
 */
function groupRows(name: string, dims: readonly Dimension[], where: SqlNode, list: SqlNode): SqlNode {
  const all = dims.flatMap((d, i) => d.keys.map((_, j) => keyName(i, j)));
  const parts = [...keyedParts(dims, where, 'core'), ...keyedParts(dims, where, 'wide')];
  // parts with the same NULL keys are grouped together
  const shapes = new Map<string, KeyedPart[]>();
  for (const p of parts) {
    const shape = p.nullKeys.join(',');
    shapes.set(shape, [...(shapes.get(shape) ?? []), p]);
  }
  const grouped = [...shapes.values()].map((same) => {
    const nulls = new Set((same[0] as KeyedPart).nullKeys);
    const keys = all.filter((k) => !nulls.has(k)).map((k) => ident(k));
    const out = all.map((k) => (nulls.has(k) ? sql`CAST(NULL AS UHUGEINT) AS ${ident(k)}` : ident(k)));
    const from = same.map((p) => sql`SELECT ${p.keys}, * FROM ${p.from} WHERE ${p.where}`);
    return sql`SELECT ${join(out)}, ${list} FROM (
  ${join(from, '\n  UNION ALL BY NAME\n  ')}
) GROUP BY ${join(keys)}`;
  });
  return sql`${ident(name)} AS (${join(grouped, '\nUNION ALL\n')})`;
}
