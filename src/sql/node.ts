// The SQL tree: frozen nodes built by our code, with every user-supplied value bound, never
// spliced into text. `sql` is a tagged template: interpolated nodes nest, anything else binds.
// Dialects (dialects/*.ts) spell the tree; nothing here knows an engine.

/** Values that can be bound. `type` pins the SQL type (so `UINTEGER` columns keep their indexes). */
export type SqlScalar = string | number | bigint | boolean | null;
export type SqlType = 'u8' | 'u16' | 'u32' | 'i64' | 'u128' | 'f64' | 'text' | 'bool';

/** Functions whose spelling differs between dialects. */
export type SqlFunction =
  | 'ipv4_text' // UINTEGER -> dotted text
  | 'ipv6_text' // UHUGEINT -> RFC 5952 text
  | 'epoch_to_timestamp' // epoch seconds -> TIMESTAMP (UTC)
  | 'timestamp_to_epoch' // TIMESTAMP -> epoch seconds
  | 'time_bucket' // (epoch seconds, bucket seconds) -> bucket start, epoch seconds
  | 'list_position'; // (list, value) -> 1-based index of value in list, NULL when absent; NULL finds NULL

export type SqlNode =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'ident'; readonly path: readonly string[] }
  | { readonly kind: 'value'; readonly value: SqlScalar; readonly type?: SqlType }
  | { readonly kind: 'seq'; readonly parts: readonly SqlNode[] }
  | { readonly kind: 'fn'; readonly name: SqlFunction; readonly args: readonly SqlNode[] };

function freeze<T extends SqlNode>(n: T): T {
  return Object.freeze(n);
}

export function isSqlNode(v: unknown): v is SqlNode {
  return (
    typeof v === 'object' && v !== null && 'kind' in v && typeof (v as { kind: unknown }).kind === 'string'
  );
}

/** Trusted SQL text written in our own code. Never pass user input here. */
export function raw(text: string): SqlNode {
  return freeze({ kind: 'raw', text });
}

/** A quoted identifier; `ident('f', 'bytes')` is `"f"."bytes"`. */
export function ident(...path: string[]): SqlNode {
  return freeze({ kind: 'ident', path: Object.freeze([...path]) });
}

/** A bound value, optionally with its SQL type. */
export function value(v: SqlScalar, type?: SqlType): SqlNode {
  return freeze(type === undefined ? { kind: 'value', value: v } : { kind: 'value', value: v, type });
}

export function fn(name: SqlFunction, ...args: SqlNode[]): SqlNode {
  return freeze({ kind: 'fn', name, args: Object.freeze(args) });
}

/** Concatenates nodes with a separator (`, ` by default). */
export function join(nodes: readonly SqlNode[], sep = ', '): SqlNode {
  const parts: SqlNode[] = [];
  nodes.forEach((n, i) => {
    if (i > 0) parts.push(raw(sep));
    parts.push(n);
  });
  return freeze({ kind: 'seq', parts: Object.freeze(parts) });
}

/** sql`SELECT ${ident('a')} WHERE b = ${x}`: nodes nest, other values bind. */
export function sql(strings: TemplateStringsArray, ...args: readonly unknown[]): SqlNode {
  const parts: SqlNode[] = [];
  strings.forEach((s, i) => {
    if (s !== '') parts.push(raw(s));
    if (i < args.length) {
      const a = args[i];
      parts.push(isSqlNode(a) ? a : value(a as SqlScalar));
    }
  });
  return freeze({ kind: 'seq', parts: Object.freeze(parts) });
}

function combine(op: 'AND' | 'OR', nodes: readonly SqlNode[]): SqlNode {
  if (nodes.length === 0) return raw(op === 'AND' ? 'TRUE' : 'FALSE');
  if (nodes.length === 1) return nodes[0] as SqlNode;
  return sql`(${join(nodes, ` ${op} `)})`;
}

export function and(...nodes: SqlNode[]): SqlNode {
  return combine('AND', nodes);
}

export function or(...nodes: SqlNode[]): SqlNode {
  return combine('OR', nodes);
}

export function not(node: SqlNode): SqlNode {
  return sql`(NOT ${node})`;
}
