// Totals over matching traffic: flows, bytes, packets, and how many flows were accepted and
// rejected. One row; zeros (not NULLs) when nothing matches.

import { STORE } from '../flow/index.js';
import { and, ident, type SqlNode, sql } from '../sql/index.js';
import { TRAFFIC } from './dimensions.js';
import { type TimeRange, timePredicate } from './time-range.js';

export interface TotalsQuery {
  readonly where?: SqlNode;
  readonly range?: TimeRange;
}

/** Columns out: `flows`, `bytes`, `packets`, `accepted`, `rejected` (flows). */
export function totals(q: TotalsQuery): SqlNode {
  const where = and(TRAFFIC, ...timePredicate(q.range), ...(q.where === undefined ? [] : [q.where]));
  const action = ident('action');
  return sql`SELECT count(*) AS flows, coalesce(sum(${ident('bytes')}), 0) AS bytes, coalesce(sum(${ident('packets')}), 0) AS packets, count(*) FILTER (WHERE ${action} = 'ACCEPT') AS accepted, count(*) FILTER (WHERE ${action} = 'REJECT') AS rejected
FROM ${ident(STORE.table)} WHERE ${where}`;
}
