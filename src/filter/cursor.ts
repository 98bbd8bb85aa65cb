// The parser's position in the token list, and the small reads every grammar rule shares:
// look ahead, take a value, read `in [...]` lists, and fail with the token's column and a hint.

import type { FilterExpr } from './ast.js';
import { filterError, lex, type Token } from './lexer.js';
import { isProblem, type Problem } from './values.js';

export interface Cursor {
  readonly source: string;
  readonly tokens: readonly Token[];
  i: number;
  /** how many `not` and `(` enclose the current token */
  depth: number;
}

export function cursor(source: string): Cursor {
  return { source, tokens: lex(source), i: 0, depth: 0 };
}

export const peek = (p: Cursor): Token => p.tokens[p.i] as Token;
export const next = (p: Cursor): Token => p.tokens[p.i++] as Token;
export const freeze = <T extends FilterExpr>(n: T): T => Object.freeze(n);
export const isWord = (t: Token, w: string): boolean => t.kind === 'word' && t.value.toLowerCase() === w;

export function fail(p: Cursor, t: Token, what: string, hint?: string): never {
  throw filterError(p.source, t.offset, what, hint);
}

export function unexpected(p: Cursor, t: Token, hint: string): never {
  const quoted = t.kind === 'string' ? `quoted text ${t.raw}` : `'${t.raw}'`;
  return fail(p, t, `unexpected ${t.kind === 'end' ? 'end of filter' : quoted}`, hint);
}

/** The value, or a failure at `t` with the problem's message and hint. */
export function unwrap<T>(p: Cursor, t: Token, r: T | Problem): T {
  return isProblem(r) ? fail(p, t, r.problem, r.hint) : r;
}

/** The next token when it is a bare word or a quoted string. */
export function valueToken(p: Cursor, hint: string): Token {
  const t = next(p);
  return t.kind === 'word' || t.kind === 'string' ? t : unexpected(p, t, hint);
}

/** `[a, b, ...]` after `in`; at least one item. */
export function list<T>(p: Cursor, item: (t: Token) => T): T[] {
  const open = next(p);
  if (open.kind !== '[') unexpected(p, open, "expected '[' after 'in'");
  if (peek(p).kind === ']') fail(p, open, 'empty list', 'put at least one value between [ and ]');
  const items: T[] = [];
  for (;;) {
    items.push(item(valueToken(p, 'expected a value in the list')));
    const sep = next(p);
    if (sep.kind === ']') return items;
    if (sep.kind === 'end') fail(p, open, "unclosed '['", "add ']' to close the list");
    if (sep.kind !== ',') unexpected(p, sep, "expected ',' or ']'");
  }
}

/** `in [...]` when it comes next, else one value. */
export function oneOrList<T>(p: Cursor, hint: string, item: (t: Token) => T): T[] {
  if (!isWord(peek(p), 'in')) return [item(valueToken(p, hint))];
  next(p);
  return list(p, item);
}
