// A time range over flow start times, as a predicate on stored epoch seconds.

import { ident, type SqlNode, sql, value } from '../sql/index.js';

export interface TimeRange {
  /** inclusive, epoch seconds */
  readonly since?: number;
  /** exclusive, epoch seconds */
  readonly until?: number;
}

export function timePredicate(range: TimeRange | undefined, column = 'start'): SqlNode[] {
  const out: SqlNode[] = [];
  if (range?.since !== undefined) out.push(sql`${ident(column)} >= ${value(range.since, 'u32')}`);
  if (range?.until !== undefined) out.push(sql`${ident(column)} < ${value(range.until, 'u32')}`);
  return out;
}
