// filter: the filter language people type (nfdump/tcpdump-like, plus any column by name):
// text -> AST -> SQL predicate over the store table. Pure. Grammar and semantics: README.md.

import type { SqlNode } from '../sql/index.js';
import type { FilterExpr } from './ast.js';
import { type CompileOptions, compileFilter } from './compile.js';
import { parseFilter } from './parser.js';

export type { CompareOp, FieldValue, FilterExpr, FilterKind, PortRange, Side } from './ast.js';
export { type CompileOptions, compileFilter } from './compile.js';
export { FILTER_FIELDS, FILTER_KEYWORDS, suggest } from './fields.js';
export { parseFilter } from './parser.js';

/** Parses and compiles in one step: `TRUE` for an empty filter. Throws UserError('filter.invalid'). */
export function filterToSql(text: string, opts?: CompileOptions): SqlNode {
  const expr: FilterExpr | undefined = parseFilter(text);
  return compileFilter(expr, opts);
}
