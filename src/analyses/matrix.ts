// Traffic between two dimensions as a matrix (the segment matrix: from-segment x to-segment):
// per pair, flows, bytes, and how many flows were accepted and rejected. Segment dimensions come
// from the caller (the app builds them from a policy) and are derived from the addresses' groups.

import { and, ident, type SqlNode, sql } from '../sql/index.js';
import { type DimensionRef, keyName, TRAFFIC, toDimension } from './dimensions.js';
import { groupAdditive } from './group-additive.js';
import { type TimeRange, timePredicate } from './time-range.js';

export interface MatrixQuery {
  readonly from: DimensionRef;
  readonly to: DimensionRef;
  readonly where?: SqlNode;
  readonly range?: TimeRange;
}

/** Columns out: `from`, `to` (shown values), `flows`, `bytes`, `accepted`, `rejected`; most bytes first. */
export function matrix(q: MatrixQuery): SqlNode {
  const dims = [toDimension(q.from), toDimension(q.to)];
  const where = and(TRAFFIC, ...timePredicate(q.range), ...(q.where === undefined ? [] : [q.where]));
  const action = ident('action');
  const aggs = [
    { name: 'flows', expr: sql`count(*)` },
    { name: 'bytes', expr: sql`sum(${ident('bytes')})` },
    { name: 'accepted', expr: sql`count(*) FILTER (WHERE ${action} = 'ACCEPT')` },
    { name: 'rejected', expr: sql`count(*) FILTER (WHERE ${action} = 'REJECT')` },
  ];
  const [from, to] = dims.map((d, i) => d.display((j) => ident('g', keyName(i, j)))) as [SqlNode, SqlNode];
  return sql`WITH ${groupAdditive('g', dims, where, aggs)}
SELECT ${from} AS "from", ${to} AS "to", flows, bytes, accepted, rejected FROM g ORDER BY bytes DESC NULLS LAST, "from", "to"`;
}
