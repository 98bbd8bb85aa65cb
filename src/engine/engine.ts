// The engine interface: something that runs our SQL tree and returns plain rows.
// Engines connect and run; dialects (src/sql/dialects) spell. An engine never builds SQL by hand
// from user input.

import type { Dialect, SqlNode } from '../sql/index.js';

/** One result row: column name -> JS value (bigint for 64-bit+ integers, Date for timestamps). */
export type Row = Record<string, unknown>;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export interface Engine {
  readonly name: string;
  readonly dialect: Dialect;
  /** runs a query built as a SQL tree, with bound values */
  query(node: SqlNode): Promise<QueryResult>;
  close(): Promise<void>;
}
