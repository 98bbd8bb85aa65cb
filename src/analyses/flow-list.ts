// Matching flows, oldest first, with chosen columns shown as people read them (text addresses,
// UTC timestamps, ids): the rows are picked on stored numbers first, then only they are formatted.

import { UserError } from '../errors.js';
import { type Column, columnBySql, STORE, storageColumnsOf } from '../flow/index.js';
import { and, fn, ident, join, type SqlNode, sql, value } from '../sql/index.js';
import { type TimeRange, timePredicate } from './time-range.js';

export const DEFAULT_FLOW_COLUMNS: readonly string[] = Object.freeze([
  'start',
  'kind',
  'interface_id',
  'srcaddr',
  'srcport',
  'dstaddr',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'action',
  'tcp_flags',
  'log_status',
]);

/**
 * Oldest first; flows that start in the same second of the same file are ordered by what tells
 * them apart (interface, addresses, ports, counters), so that pages never overlap or skip a flow:
 * page 2 at offset 50 continues exactly where page 1 ended.
 */
const ORDER: readonly string[] = Object.freeze([
  'start',
  STORE.fileColumn,
  'interface_id',
  'tgw_attachment_id',
  'srcaddr_v4',
  'srcaddr_v6',
  'dstaddr_v4',
  'dstaddr_v6',
  'srcport',
  'dstport',
  'protocol',
  'bytes',
  'packets',
  'action',
  'log_status',
]);

export interface FlowListQuery {
  readonly columns?: readonly string[];
  readonly where?: SqlNode;
  readonly range?: TimeRange;
  readonly limit: number;
  readonly offset?: number;
  /** columns computed from a flow's stored columns (a policy's segments), by name */
  readonly computed?: Readonly<Record<string, SqlNode>>;
}

/** How one column is shown, over the picked rows aliased `m`. */
export function shownColumn(c: Column): SqlNode {
  const [first] = storageColumnsOf(c);
  const col = (name: string) => ident('m', name);
  switch (c.type) {
    case 'ip':
      return sql`coalesce(${fn('ipv4_text', col(`${c.sql}_v4`))}, ${fn('ipv6_text', col(`${c.sql}_v6`))})`;
    case 'time':
      return fn('epoch_to_timestamp', col(first?.name as string));
    case 'string':
      return sql`(SELECT value FROM ${ident(STORE.dict)} WHERE id = ${col(first?.name as string)})`;
    case 'enum':
      return sql`CAST(${col(first?.name as string)} AS VARCHAR)`;
    default:
      return col(first?.name as string);
  }
}

export function flowList(q: FlowListQuery): SqlNode {
  const names = q.columns ?? DEFAULT_FLOW_COLUMNS;
  const shown = names.map((n) => {
    if (n === 'kind') return sql`CAST(${ident('m', STORE.kindColumn)} AS VARCHAR) AS ${ident('kind')}`;
    if (q.computed !== undefined && Object.hasOwn(q.computed, n))
      return sql`${q.computed[n] as SqlNode} AS ${ident(n)}`;
    const c = columnBySql(n);
    if (c === undefined) {
      throw new UserError('analysis.bad-column', `'${n}' is not a flow column`, {
        hint: 'columns are the flow-log field names, e.g. start, srcaddr, dstport, action (see flowsight sql "DESCRIBE flows")',
      });
    }
    return sql`${shownColumn(c)} AS ${ident(c.sql)}`;
  });
  const where = and(...timePredicate(q.range), ...(q.where === undefined ? [] : [q.where]));
  const order = (alias?: string) =>
    join(ORDER.map((n) => (alias === undefined ? ident(n) : ident(alias, n))));
  return sql`WITH m AS (SELECT * FROM ${ident(STORE.table)} WHERE ${where} ORDER BY ${order()} LIMIT ${value(q.limit, 'i64')} OFFSET ${value(q.offset ?? 0, 'i64')})
SELECT ${join(shown)} FROM m ORDER BY ${order('m')}`;
}
