// Filter text -> AST by recursive descent (grammar in README.md): or of ands of unary terms.
// Precedence: not > and > or; terms must be joined with and/or (no implicit and, which would
// make `proto tcp port 22` quietly mean something). Terms themselves are read in terms.ts.

import type { FilterExpr } from './ast.js';
import { type Cursor, cursor, fail, freeze, next, peek, unexpected } from './cursor.js';
import type { Token } from './lexer.js';
import { term } from './terms.js';

/** Deep enough for any real filter, shallow enough never to overflow the stack. */
const MAX_DEPTH = 200;

function nested<T>(p: Cursor, at: Token, f: () => T): T {
  if (++p.depth > MAX_DEPTH) {
    fail(p, at, 'filter nested too deeply', `use at most ${MAX_DEPTH} levels of not and parentheses`);
  }
  const r = f();
  p.depth--;
  return r;
}

function primary(p: Cursor): FilterExpr {
  const t = peek(p);
  if (t.kind === 'not') return nested(p, next(p), () => freeze({ kind: 'not', term: primary(p) }));
  if (t.kind !== '(') return term(p);
  const open = next(p);
  const e = nested(p, open, () => or(p));
  const close = next(p);
  if (close.kind === 'end') fail(p, open, "unclosed '('", "add ')' to close it");
  if (close.kind !== ')') unexpected(p, close, "expected and, or or ')'");
  return e;
}

function chain(p: Cursor, op: 'and' | 'or', operand: (p: Cursor) => FilterExpr): FilterExpr {
  const terms = [operand(p)];
  while (peek(p).kind === op) {
    next(p);
    terms.push(operand(p));
  }
  return terms.length === 1 ? (terms[0] as FilterExpr) : freeze({ kind: op, terms: Object.freeze(terms) });
}

const and = (p: Cursor): FilterExpr => chain(p, 'and', primary);
const or = (p: Cursor): FilterExpr => chain(p, 'or', and);

/** Parses a filter; undefined for empty or blank text. Throws UserError('filter.invalid'). */
export function parseFilter(text: string): FilterExpr | undefined {
  const p = cursor(text);
  if (peek(p).kind === 'end') return undefined;
  const e = or(p);
  const t = peek(p);
  if (t.kind === ')') fail(p, t, "unmatched ')'", "remove it, or add '(' where the group starts");
  if (t.kind !== 'end') unexpected(p, t, "join terms with 'and' or 'or'");
  return e;
}
