// The time span a store holds: the first flow's start and the last flow's end (epoch seconds),
// over every record (NODATA/SKIPDATA too: they cover time), NULL for an empty store. The
// dashboard's "last 24 h" counts back from `last`, so a store of past flows still shows them.

import { STORE } from '../flow/index.js';
import { ident, type SqlNode, sql } from '../sql/index.js';

/** Columns out: `first`, `last` (epoch seconds), `records`. */
export function extent(): SqlNode {
  return sql`SELECT min(${ident('start')}) AS first, max(${ident('end')}) AS last, count(*) AS records FROM ${ident(STORE.table)}`;
}
