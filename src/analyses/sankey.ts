// Paths through 2 to 4 dimensions (source segment -> destination segment -> port), for a sankey
// diagram: each dimension keeps its top-N values by the metric and folds the rest into "other"
// (Akvorado's habit), then flows are added up per path. The paths add up to the total.

import { UserError } from '../errors.js';
import { and, ident, join, type SqlNode, sql, value } from '../sql/index.js';
import { type Dimension, type DimensionRef, keyName, TRAFFIC, toDimension } from './dimensions.js';
import { groupAdditive } from './group-additive.js';
import { type TimeRange, timePredicate } from './time-range.js';
import { type Metric, metricSql } from './top-talkers.js';

export interface SankeyQuery {
  readonly dimensions: readonly DimensionRef[];
  readonly by: Metric;
  readonly where?: SqlNode;
  readonly range?: TimeRange;
  /** values kept per dimension; the rest of each is `other` */
  readonly limit: number;
}

function checked(refs: readonly DimensionRef[]): readonly Dimension[] {
  const dims = refs.map(toDimension);
  const names = dims.map((d) => d.name);
  if (dims.length < 2 || dims.length > 4 || new Set(names).size !== names.length) {
    throw new UserError(
      'analysis.bad-dimension',
      `a sankey needs 2 to 4 different dimensions, not ${names.join(', ') || 'none'}`,
      {
        hint: 'e.g. src_segment, dst_segment, dstport',
      },
    );
  }
  return dims;
}

/** Top values of dimension i over the whole range, `hit` marking them for the join. */
function topValues(d: Dimension, i: number, m: SqlNode, limit: SqlNode): SqlNode {
  const keys = join(d.keys.map((_, j) => ident(keyName(i, j))));
  return sql`${ident(`t${i}`)} AS (SELECT ${keys}, true AS hit FROM g GROUP BY ${keys} ORDER BY sum(${m}) DESC NULLS LAST, ${keys} LIMIT ${limit})`;
}

function joinTop(d: Dimension, i: number): SqlNode {
  const t = `t${i}`;
  const on = and(
    ...d.keys.map((_, j) => sql`g.${ident(keyName(i, j))} IS NOT DISTINCT FROM ${ident(t, keyName(i, j))}`),
  );
  return sql`LEFT JOIN ${ident(t)} ON ${on}`;
}

/**
 * Columns out, per dimension: its shown value (named after it; NULL on `other` and for a
 * missing value) and `<name>_other` (true where the value is not among its top-N); then the
 * metric. One row per path, biggest first.
 */
export function sankey(q: SankeyQuery): SqlNode {
  const dims = checked(q.dimensions);
  const m = ident(q.by);
  const limit = value(q.limit, 'i64');
  const where = and(TRAFFIC, ...timePredicate(q.range), ...(q.where === undefined ? [] : [q.where]));
  const kept = dims.flatMap((d, i) => [
    sql`${ident(`t${i}`, 'hit')} AS ${ident(`h${i}`)}`,
    ...d.keys.map((_, j) => ident(`t${i}`, keyName(i, j))),
  ]);
  const shown = dims.flatMap((d, i) => [
    sql`${d.display((j) => ident('p', keyName(i, j)))} AS ${ident(d.name)}`,
    sql`p.${ident(`h${i}`)} IS NULL AS ${ident(`${d.name}_other`)}`,
  ]);
  const order = dims.flatMap((d, i) => d.keys.map((_, j) => sql`p.${ident(keyName(i, j))}`));
  return sql`WITH ${groupAdditive('g', dims, where, [{ name: q.by, expr: metricSql(q.by) }])},
${join(
  dims.map((d, i) => topValues(d, i, m, limit)),
  ',\n',
)},
p AS (SELECT ${join(kept)}, sum(g.${m}) AS ${m} FROM g ${join(dims.map(joinTop), ' ')} GROUP BY ALL)
SELECT ${join(shown)}, p.${m} FROM p ORDER BY p.${m} DESC NULLS LAST, ${join(order)}`;
}
