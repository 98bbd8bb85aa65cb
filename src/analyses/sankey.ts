// Paths through 2 to 4 dimensions (source segment -> destination segment -> port), for a sankey
// diagram: each dimension keeps its top-N values by the metric and folds the rest into "other"
// (Akvorado's habit), then flows are added up per path. The paths add up to the total.

import { UserError } from '../errors.js';
import { and, ident, join, type SqlNode, sql, value } from '../sql/index.js';
import {
  type Dimension,
  type DimensionRef,
  keyName,
  rankDimension,
  TRAFFIC,
  toDimension,
} from './dimensions.js';
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
  /**
   * Per dimension, its top `limit` values when the caller already knows them (`topTalkers` with
   * `keys`, biggest first; see `rankDimension`): flows are then grouped by the value's rank, not
   * the value. Paths through destination ports grouped millions of (path, ephemeral port) groups.
   */
  readonly known?: readonly (readonly (number | null)[] | undefined)[];
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
  const ranked = dims.map((d, i) => {
    const top = q.known?.[i];
    if (top !== undefined && top.length > q.limit)
      throw new Error(`${top.length} known values of '${d.name}' for a limit of ${q.limit}`);
    return top === undefined ? undefined : rankDimension(d, top);
  });
  const grouped = dims.map((d, i) => ranked[i]?.dimension ?? d);
  const kept = grouped.flatMap((d, i) => [
    sql`${ident(`t${i}`, 'hit')} AS ${ident(`h${i}`)}`,
    ...d.keys.map((_, j) => ident(`t${i}`, keyName(i, j))),
  ]);
  const shown = dims.flatMap((d, i) => {
    const key = (j: number) => ident('p', keyName(i, j));
    const r = ranked[i];
    return [
      sql`${r === undefined ? d.display(key) : r.shown(key(0))} AS ${ident(d.name)}`,
      sql`p.${ident(`h${i}`)} IS NULL AS ${ident(`${d.name}_other`)}`,
    ];
  });
  const order = grouped.flatMap((d, i) => d.keys.map((_, j) => sql`p.${ident(keyName(i, j))}`));
  // a ranked dimension's kept values are its ranks: every one but NULL (the values not known)
  const tops = grouped.map((d, i) =>
    ranked[i] === undefined
      ? topValues(d, i, m, limit)
      : sql`${ident(`t${i}`)} AS (SELECT DISTINCT ${ident(keyName(i, 0))}, true AS hit FROM g WHERE ${ident(keyName(i, 0))} IS NOT NULL)`,
  );
  return sql`WITH ${groupAdditive('g', grouped, where, [{ name: q.by, expr: metricSql(q.by) }])},
${join(tops, ',\n')},
p AS (SELECT ${join(kept)}, sum(g.${m}) AS ${m} FROM g ${join(grouped.map(joinTop), ' ')} GROUP BY ALL)
SELECT ${join(shown)}, p.${m} FROM p ORDER BY p.${m} DESC NULLS LAST, ${join(order)}`;
}
