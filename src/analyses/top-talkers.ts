// Top-N over any dimensions by bytes, packets or flows, with everything else as one "other" row,
// so the rows always add up to the total (Akvorado's habit).

import { UserError } from '../errors.js';
import { and, ident, join, raw, type SqlNode, sql, value } from '../sql/index.js';
import { type DimensionRef, keyName, TRAFFIC, toDimension } from './dimensions.js';
import { groupAdditive } from './group-additive.js';
import { type TimeRange, timePredicate } from './time-range.js';

export type Metric = 'bytes' | 'packets' | 'flows';
export const METRICS: readonly Metric[] = ['bytes', 'packets', 'flows'];

export interface TopQuery {
  readonly dimensions: readonly DimensionRef[];
  readonly by: Metric;
  readonly where?: SqlNode;
  readonly range?: TimeRange;
  readonly limit: number;
  /** also answer each row's group keys, as `keyName(i, j)` of dimension i (NULL on `other`) */
  readonly keys?: boolean;
}

export function metricSql(m: Metric): SqlNode {
  switch (m) {
    case 'bytes':
      return sql`sum(${ident('bytes')})`;
    case 'packets':
      return sql`sum(${ident('packets')})`;
    case 'flows':
      return raw('count(*)');
    default: {
      const never: never = m;
      throw new Error(`unhandled metric ${String(never)}`);
    }
  }
}

/**
 * Columns out: one per dimension (text or number), the metric (named after it), `share` (0-1 of
 * the total) and `other` (true on the remainder row, whose dimensions are NULL); with `keys`,
 * after the shown values, the group keys of dimension i as `keyName(i, j)`.
 */
export function topTalkers(q: TopQuery): SqlNode {
  if (q.dimensions.length === 0) {
    throw new UserError('analysis.bad-dimension', 'top needs at least one dimension', {
      hint: 'e.g. flowsight top src,dstport',
    });
  }
  const dims = q.dimensions.map(toDimension);
  const allKeys = dims.flatMap((d, i) => d.keys.map((_, j) => ident(keyName(i, j))));
  const where = and(TRAFFIC, ...timePredicate(q.range), ...(q.where === undefined ? [] : [q.where]));
  const keyCols = q.keys === true ? dims.flatMap((d, i) => d.keys.map((_, j) => keyName(i, j))) : [];
  const shown = [
    ...dims.map((d, i) => sql`${d.display((j) => ident('t', keyName(i, j)))} AS ${ident(d.name)}`),
    ...keyCols.map((k) => sql`t.${ident(k)} AS ${ident(k)}`),
  ];
  const nulls = [
    ...dims.map((d) => sql`NULL AS ${ident(d.name)}`),
    ...keyCols.map((k) => sql`NULL AS ${ident(k)}`),
  ];
  const m = ident(q.by);
  const limit = value(q.limit, 'i64');
  return sql`WITH ${groupAdditive('g', dims, where, [{ name: q.by, expr: metricSql(q.by) }])},
t AS (SELECT * FROM g ORDER BY ${m} DESC NULLS LAST, ${join(allKeys)} LIMIT ${limit}),
total AS (SELECT coalesce(sum(${m}), 0) AS total, count(*) AS groups, (SELECT coalesce(sum(${m}), 0) FROM t) AS shown FROM g)
SELECT * FROM (
  SELECT ${join(shown)}, t.${m} AS ${m}, t.${m} / nullif(total.total, 0) AS share, false AS other, row_number() OVER (ORDER BY t.${m} DESC NULLS LAST, ${join(allKeys.map((k) => sql`t.${k}`))}) AS rank
  FROM t, total
  UNION ALL
  SELECT ${join(nulls)}, total.total - total.shown, (total.total - total.shown) / nullif(total.total, 0), true, NULL
  FROM total WHERE total.groups > ${limit}
) ORDER BY other, rank`;
}
