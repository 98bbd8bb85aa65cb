// Renders a SQL tree to text plus bound parameters, in one dialect's spelling.

import type { SqlFunction, SqlNode, SqlScalar, SqlType } from './node.js';

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse' | 'trino';
  quoteIdent(name: string): string;
  /** the placeholder for the i-th (0-based) bound value */
  placeholder(index: number, type: SqlType | undefined): string;
  /** spells a dialect function over already-rendered arguments */
  fn(name: SqlFunction, args: readonly string[]): string;
}

export interface RenderedSql {
  readonly text: string;
  readonly params: readonly SqlScalar[];
  /** the pinned type of each parameter, where the tree gave one */
  readonly types: readonly (SqlType | undefined)[];
}

export function render(node: SqlNode, dialect: Dialect): RenderedSql {
  const params: SqlScalar[] = [];
  const types: (SqlType | undefined)[] = [];
  const walk = (n: SqlNode): string => {
    switch (n.kind) {
      case 'raw':
        return n.text;
      case 'ident':
        return n.path.map((p) => dialect.quoteIdent(p)).join('.');
      case 'value':
        params.push(n.value);
        types.push(n.type);
        return dialect.placeholder(params.length - 1, n.type);
      case 'seq':
        return n.parts.map(walk).join('');
      case 'fn':
        return dialect.fn(n.name, n.args.map(walk));
      default: {
        const never: never = n;
        throw new Error(`unhandled sql node ${JSON.stringify(never)}`);
      }
    }
  };
  const text = walk(node);
  return { text, params, types };
}
