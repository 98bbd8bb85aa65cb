// Filter text -> tokens, each with its offset so every error can point at a column. Words are
// anything up to whitespace or punctuation, so addresses, CIDRs, ids, times and globs stay whole
// (`2001:db8::/32`, `vpc-0abc`, `2026-11-29T10:00:00Z`, `i-0ab*`); the parser gives them meaning.

import { UserError } from '../errors.js';

export type TokenKind = 'word' | 'string' | 'op' | 'and' | 'or' | 'not' | '(' | ')' | '[' | ']' | ',' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** the value: unquoted for strings, normalised for operators (`==` -> `=`, `<>` -> `!=`) */
  readonly value: string;
  /** the source text as written, for messages */
  readonly raw: string;
  /** 0-based offset into the filter text */
  readonly offset: number;
}

const PUNCT = new Set(['(', ')', '[', ']', ',']);
const OPS: readonly (readonly [string, string])[] = [
  ['==', '='],
  ['!=', '!='],
  ['<>', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['&&', 'and'],
  ['||', 'or'],
  ['=', '='],
  ['<', '<'],
  ['>', '>'],
  ['~', '~'],
  ['!', 'not'],
];
const WORD_OPS: Readonly<Record<string, TokenKind>> = { and: 'and', or: 'or', not: 'not' };
const STOP = /[\s()[\],'"=!<>~&|]/;

/** A filter.invalid error pointing at `offset` (1-based line and column in `at` and the message). */
export function filterError(source: string, offset: number, what: string, hint?: string): UserError {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  const where = line === 1 ? `column ${col}` : `line ${line}, column ${col}`;
  const shown = source.replace(/\s+/g, ' ').trim();
  return new UserError('filter.invalid', `${what} at ${where} in filter: ${shown}`, {
    at: `filter:${line}:${col}`,
    ...(hint === undefined ? {} : { hint }),
  });
}

function quoted(source: string, start: number): Token {
  const q = source[start] as string;
  let value = '';
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i] as string;
    if (c === q) return { kind: 'string', value, raw: source.slice(start, i + 1), offset: start };
    if (c === '\\' && i + 1 < source.length) {
      i++;
      value += source[i];
    } else value += c;
  }
  throw filterError(source, start, `unterminated string ${source.slice(start)}`, `close it with ${q}`);
}

function operator(source: string, i: number): Token | undefined {
  for (const [text, value] of OPS) {
    if (!source.startsWith(text, i)) continue;
    const kind: TokenKind = value === 'and' || value === 'or' || value === 'not' ? value : 'op';
    return { kind, value, raw: text, offset: i };
  }
  return undefined;
}

function word(source: string, start: number): Token {
  let end = start;
  while (end < source.length && !STOP.test(source[end] as string)) end++;
  const raw = source.slice(start, end);
  const kind = WORD_OPS[raw.toLowerCase()] ?? 'word';
  return { kind, value: kind === 'word' ? raw : kind, raw, offset: start };
}

/** Splits filter text into tokens, ending with one `end` token. Throws filter.invalid. */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    let t: Token | undefined;
    if (PUNCT.has(c)) t = { kind: c as TokenKind, value: c, raw: c, offset: i };
    else if (c === "'" || c === '"') t = quoted(source, i);
    else t = operator(source, i) ?? (c === '&' || c === '|' ? undefined : word(source, i));
    if (t === undefined) {
      throw filterError(source, i, `unexpected '${c}'`, `use ${c}${c} or ${c === '&' ? 'and' : 'or'}`);
    }
    tokens.push(t);
    i += t.raw.length;
  }
  tokens.push({ kind: 'end', value: '', raw: '', offset: source.length });
  return tokens;
}
