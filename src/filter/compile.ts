// Filter AST -> SQL predicate over the store table (flow/storage.ts layout). Addresses become
// range comparisons on the column of their family, strings go through the dictionary table, and
// every value is bound. `not` is pushed down to the leaves (De Morgan), so each leaf is written
// in a positive or a negated form; that keeps the SQL plain and gives one NULL rule (README.md):
// a flow whose field is NULL matches neither `x = v` nor `not x = v`, while an address of the
// other family is simply "not in the block".

import { type Cidr, type Column, columnBySql, STORE, storageColumnsOf } from '../flow/index.js';
import { and, ident, join, or, raw, type SqlNode, type SqlType, sql, value } from '../sql/index.js';
import type { CompareOp, FieldValue, FilterExpr, PortRange, Side } from './ast.js';

export interface CompileOptions {
  /** qualify store columns with this table name or alias: `"f"."srcaddr_v4"` */
  readonly table?: string;
}

type ColumnRef = (name: string) => SqlNode;
interface Halves {
  readonly v4: SqlNode;
  readonly v6: SqlNode;
}

const NEGATED: Readonly<Record<CompareOp, CompareOp>> = {
  '=': '!=',
  '!=': '=',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
};
function opSql(op: CompareOp, neg: boolean): SqlNode {
  const o = neg ? NEGATED[op] : op;
  return raw(o === '!=' ? '<>' : o);
}

const anyOf = (neg: boolean, parts: SqlNode[]): SqlNode => (neg ? and(...parts) : or(...parts));
const sides = (s: Side): readonly ('src' | 'dst')[] => (s === 'either' ? ['src', 'dst'] : [s]);

function columnOf(field: string): Column {
  const c = columnBySql(field);
  if (c === undefined) throw new Error(`filter AST names unknown field ${field}`);
  return c;
}

function halves(c: Column, col: ColumnRef): Halves {
  const [v4, v6] = storageColumnsOf(c).map((s) => col(s.name));
  if (v4 === undefined || v6 === undefined) throw new Error(`${c.sql} is not an address field`);
  return { v4, v6 };
}

/** The address a flow really has on one side: pkt-* when present (either family), else srcaddr/dstaddr. */
function effective(side: 'src' | 'dst', col: ColumnRef): Halves {
  const pkt = halves(columnOf(`pkt_${side}addr`), col);
  const base = halves(columnOf(`${side}addr`), col);
  return {
    v4: sql`COALESCE(${pkt.v4}, CASE WHEN ${pkt.v6} IS NULL THEN ${base.v4} END)`,
    v6: sql`COALESCE(${pkt.v6}, CASE WHEN ${pkt.v4} IS NULL THEN ${base.v6} END)`,
  };
}

/** In the block; negated: a present address outside it (either family). */
function blockSql(h: Halves, c: Cidr, neg: boolean): SqlNode {
  const [mine, other] = c.family === 'v4' ? [h.v4, h.v6] : [h.v6, h.v4];
  const type: SqlType = c.family === 'v4' ? 'u32' : 'u128';
  const bound = (n: bigint) => value(c.family === 'v4' ? Number(n) : n, type);
  const test =
    c.first === c.last
      ? sql`${mine} ${raw(neg ? '<>' : '=')} ${bound(c.first)}`
      : sql`${mine} ${raw(neg ? 'NOT BETWEEN' : 'BETWEEN')} ${bound(c.first)} AND ${bound(c.last)}`;
  return neg ? or(test, sql`${other} IS NOT NULL`) : test;
}

const blocksSql = (h: Halves, cidrs: readonly Cidr[], neg: boolean): SqlNode =>
  anyOf(
    neg,
    cidrs.map((c) => blockSql(h, c, neg)),
  );

function memberSql(c: SqlNode, values: readonly SqlNode[], neg: boolean): SqlNode {
  if (values.length === 1) return sql`${c} ${raw(neg ? '<>' : '=')} ${values[0] as SqlNode}`;
  return sql`${c} ${raw(neg ? 'NOT IN' : 'IN')} (${join(values)})`;
}

function portsSql(c: SqlNode, ranges: readonly PortRange[], neg: boolean): SqlNode {
  const singles = ranges.filter((r) => r.from === r.to).map((r) => value(r.from, 'u16'));
  const parts = singles.length > 0 ? [memberSql(c, singles, neg)] : [];
  for (const r of ranges.filter((x) => x.from !== x.to)) {
    parts.push(
      sql`${c} ${raw(neg ? 'NOT BETWEEN' : 'BETWEEN')} ${value(r.from, 'u16')} AND ${value(r.to, 'u16')}`,
    );
  }
  return anyOf(neg, parts);
}

/** A dictionary-encoded column: its id is among the ids whose text satisfies `test`. */
function dictSql(c: SqlNode, test: SqlNode): SqlNode {
  return sql`${c} IN (SELECT id FROM ${ident(STORE.dict)} WHERE ${test})`;
}

function typeOf(c: Column): SqlType {
  const physical = storageColumnsOf(c)[0]?.physical;
  if (physical === 'enum' || physical === 'dict') return 'text';
  if (physical === undefined || physical === 'u128') throw new Error(`no scalar type for ${c.sql}`);
  return physical;
}

const bind = (c: Column, v: FieldValue): SqlNode => value(v as number | bigint | string, typeOf(c));

function compareSql(
  e: { field: string; op: CompareOp; value: FieldValue },
  neg: boolean,
  col: ColumnRef,
): SqlNode {
  const c = columnOf(e.field);
  if (c.type === 'ip') return blockSql(halves(c, col), e.value as Cidr, e.op === '!=' ? !neg : neg);
  if (c.type === 'string') return dictSql(col(c.sql), sql`value ${opSql(e.op, neg)} ${bind(c, e.value)}`);
  return sql`${col(c.sql)} ${opSql(e.op, neg)} ${bind(c, e.value)}`;
}

function inSql(e: { field: string; values: readonly FieldValue[] }, neg: boolean, col: ColumnRef): SqlNode {
  const c = columnOf(e.field);
  if (c.type === 'ip') return blocksSql(halves(c, col), e.values as readonly Cidr[], neg);
  const values = e.values.map((v) => bind(c, v));
  if (c.type === 'string') return dictSql(col(c.sql), memberSql(raw('value'), values, neg));
  return memberSql(col(c.sql), values, neg);
}

function globSql(field: string, pattern: string, neg: boolean, col: ColumnRef): SqlNode {
  const c = columnOf(field);
  if (c.type !== 'string') throw new Error(`glob on non-text field ${field}`);
  const test = sql`value GLOB ${value(pattern, 'text')}`;
  return dictSql(col(c.sql), neg ? sql`NOT (${test})` : test);
}

function nullSql(field: string, neg: boolean, col: ColumnRef): SqlNode {
  const c = columnOf(field);
  const is = raw(neg ? 'IS NOT NULL' : 'IS NULL');
  if (c.type !== 'ip') return sql`${col(c.sql)} ${is}`;
  const h = halves(c, col);
  return (neg ? or : and)(sql`${h.v4} ${is}`, sql`${h.v6} ${is}`);
}

function compileExpr(e: FilterExpr, neg: boolean, col: ColumnRef): SqlNode {
  switch (e.kind) {
    case 'and':
      return (neg ? or : and)(...e.terms.map((t) => compileExpr(t, neg, col)));
    case 'or':
      return (neg ? and : or)(...e.terms.map((t) => compileExpr(t, neg, col)));
    case 'not':
      return compileExpr(e.term, !neg, col);
    case 'address':
      return anyOf(
        neg,
        sides(e.side).map((s) => blocksSql(effective(s, col), e.cidrs, neg)),
      );
    case 'port':
      return anyOf(
        neg,
        sides(e.side).map((s) => portsSql(col(`${s}port`), e.ranges, neg)),
      );
    case 'flags':
      return sql`(${col('tcp_flags')} & ${value(e.mask, 'u16')}) ${raw(neg ? '<>' : '=')} ${value(e.mask, 'u16')}`;
    case 'flowKind':
      return sql`${col(STORE.kindColumn)} ${raw(neg ? '<>' : '=')} ${value(e.value, 'text')}`;
    case 'compare':
      return compareSql(e, neg, col);
    case 'in':
      return inSql(e, neg, col);
    case 'glob':
      return globSql(e.field, e.pattern, neg, col);
    case 'isNull':
      return nullSql(e.field, neg, col);
    default: {
      const never: never = e;
      throw new Error(`unhandled filter node ${(never as { kind: string }).kind}`);
    }
  }
}

/** The SQL predicate for a filter; TRUE when there is none. */
export function compileFilter(expr: FilterExpr | undefined, opts: CompileOptions = {}): SqlNode {
  if (expr === undefined) return raw('TRUE');
  const { table } = opts;
  const col: ColumnRef = table === undefined ? (name) => ident(name) : (name) => ident(table, name);
  return compileExpr(expr, false, col);
}
