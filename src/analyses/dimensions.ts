// What an analysis can group by: every dimension column of flow/columns.ts by its SQL or AWS
// name, plus `src`/`dst` (the effective endpoints: pkt-* when present, rule 10 of flow-logs.md).
// Each dimension says how to group (on stored numbers and ids) and how to show the group (text),
// so aggregation never formats millions of values.

import { UserError } from '../errors.js';
import { COLUMNS, type Column, columnBySql, STORE, storageColumnsOf } from '../flow/index.js';
import { fn, ident, raw, type SqlNode, sql } from '../sql/index.js';

export interface Dimension {
  /** the name the user gave, canonical (`dstport`, `src`) */
  readonly name: string;
  /** expressions to group by, over the store table (unqualified columns) */
  readonly keys: readonly SqlNode[];
  /** the shown value, over key columns named by `key(i)` of an aggregated relation */
  display(key: (i: number) => SqlNode): SqlNode;
}

const EFFECTIVE: Readonly<Record<string, readonly [string, string]>> = {
  src: ['pkt_srcaddr', 'srcaddr'],
  dst: ['pkt_dstaddr', 'dstaddr'],
};

function addressDisplay(key: (i: number) => SqlNode): SqlNode {
  return sql`coalesce(${fn('ipv4_text', key(0))}, ${fn('ipv6_text', key(1))})`;
}

function effective(name: string, [pkt, plain]: readonly [string, string]): Dimension {
  // a flow with a pkt-* address (of either family) uses it, else the interface's own; the same
  // expression as the filter language's `src`/`dst`, so a filter and a dimension always agree
  const v4 = sql`coalesce(${ident(`${pkt}_v4`)}, CASE WHEN ${ident(`${pkt}_v6`)} IS NULL THEN ${ident(`${plain}_v4`)} END)`;
  const v6 = sql`coalesce(${ident(`${pkt}_v6`)}, CASE WHEN ${ident(`${pkt}_v4`)} IS NULL THEN ${ident(`${plain}_v6`)} END)`;
  return {
    name,
    keys: [v4, v6],
    display: addressDisplay,
  };
}

function ofColumn(c: Column): Dimension {
  const parts = storageColumnsOf(c).map((s) => ident(s.name));
  switch (c.type) {
    case 'ip':
      return { name: c.sql, keys: parts, display: addressDisplay };
    case 'string':
      return {
        name: c.sql,
        keys: parts,
        display: (key) => sql`(SELECT value FROM ${ident(STORE.dict)} WHERE id = ${key(0)})`,
      };
    case 'enum':
      return { name: c.sql, keys: parts, display: (key) => sql`CAST(${key(0)} AS VARCHAR)` };
    default:
      return { name: c.sql, keys: parts, display: (key) => key(0) };
  }
}

const ALIASES: Readonly<Record<string, string>> = { proto: 'protocol', port: 'dstport', status: 'log_status' };

/** Names accepted as dimensions, for help texts and pickers. */
export const DIMENSION_NAMES: readonly string[] = Object.freeze([
  'src',
  'dst',
  ...COLUMNS.filter((c) => c.dimension).map((c) => c.sql),
  'kind',
]);

/** The dimension for a user's name; an unknown name is a user error listing the choices. */
export function dimension(name: string): Dimension {
  const n = name.trim().toLowerCase();
  const eff = EFFECTIVE[n];
  if (eff !== undefined) return effective(n, eff);
  if (n === 'kind') return { name: 'kind', keys: [ident(STORE.kindColumn)], display: (k) => sql`CAST(${k(0)} AS VARCHAR)` };
  const c = columnBySql(ALIASES[n] ?? n);
  if (c === undefined || !c.dimension) {
    throw new UserError('analysis.bad-dimension', `'${name}' is not a dimension to group flows by`, {
      hint: `use one of: ${DIMENSION_NAMES.join(', ')}`,
    });
  }
  return ofColumn(c);
}

/** Traffic only: NODATA/SKIPDATA records are evidence of coverage, never traffic (rule 7). */
export const TRAFFIC = sql`${ident('log_status')} = ${raw("'OK'")}`;
