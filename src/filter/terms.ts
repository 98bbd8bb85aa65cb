// The terms of the grammar: nfdump-like keyword terms (`src net 10.0.0.0/8`, `port in [22, 80]`,
// `proto tcp`, `action reject`, `flags syn`) and `field op value` over any column by name. Each
// checks its value against the field's type here, so the AST holds only valid, typed values.

import { type Column, type FlowKind, KIND_VALUES } from '../flow/index.js';
import type { CompareOp, FieldValue, FilterExpr, Side } from './ast.js';
import {
  type Cursor,
  fail,
  freeze,
  isWord,
  list,
  next,
  oneOrList,
  peek,
  unexpected,
  unwrap,
  valueToken,
} from './cursor.js';
import { fieldByName, unknownFieldHint } from './fields.js';
import type { Token } from './lexer.js';
import { parseBlock, parseFieldValue, parsePortRange, parseProtocol, parseWord } from './values.js';

const TERM_HINT =
  'expected a term: host, net, port, proto, action, status, kind, flags, src, dst, not, ( or a field name';
const GLOB_HINT = 'glob (~) matches text fields such as vpc_id; use = or in [...]';
const FLAGS: Readonly<Record<string, number>> = { fin: 1, syn: 2, rst: 4, synack: 18 };

function addressTerm(p: Cursor, side: Side, kw: string): FilterExpr {
  const cidrs = oneOrList(p, `expected an address or network after '${kw}'`, (t) => {
    const c = unwrap(p, t, parseBlock(t.value));
    const full = c.family === 'v4' ? 32 : 128;
    if (kw === 'host' && c.prefix !== full) {
      fail(p, t, `host takes one address, not the network '${t.value}'`, `write net ${c.text}`);
    }
    if (kw === 'net' && !t.value.includes('/')) {
      const hint = `write host ${t.value}, or net ${t.value}/${full}`;
      fail(p, t, `net takes a network, not the address '${t.value}'`, hint);
    }
    return c;
  });
  return freeze({ kind: 'address', side, cidrs: Object.freeze(cidrs) });
}

function portTerm(p: Cursor, side: Side): FilterExpr {
  const hint = "expected a port (443), a range (1024-65535) or in [...] after 'port'";
  const ranges = oneOrList(p, hint, (t) => Object.freeze(unwrap(p, t, parsePortRange(t.value))));
  return freeze({ kind: 'port', side, ranges: Object.freeze(ranges) });
}

/** `proto tcp`, `action reject`, `status nodata`: sugar for `field = value` / `field in [...]`. */
function sugarTerm(p: Cursor, kw: string, field: string, read: (t: Token) => number | string): FilterExpr {
  const values = oneOrList(p, `expected a value after '${kw}'`, read);
  if (values.length > 1) return freeze({ kind: 'in', field, values: Object.freeze(values) });
  return freeze({ kind: 'compare', field, op: '=', value: values[0] as number | string });
}

function enumReader(p: Cursor, field: string): (t: Token) => string {
  const c = fieldByName(field) as Column;
  return (t) => unwrap(p, t, parseWord(t.value, c.values ?? [], `value of ${c.sql}`));
}

function sidedTerm(p: Cursor, q: Token): FilterExpr {
  const side = q.value.toLowerCase() as Side;
  const t = next(p);
  const kw = t.kind === 'word' ? t.value.toLowerCase() : '';
  if (kw === 'host' || kw === 'net' || kw === 'addr') return addressTerm(p, side, kw);
  if (kw === 'port') return portTerm(p, side);
  return unexpected(p, t, `expected host, net, port or addr after '${q.raw}'`);
}

/** After `field op`: `null` (only with = and !=), or a value the operator applies to. */
function comparison(p: Cursor, c: Column, op: Token, v: Token, read: (t: Token) => FieldValue): FilterExpr {
  const equality = op.value === '=' || op.value === '!=';
  if (isWord(v, 'null')) {
    if (!equality)
      fail(p, op, `'${op.raw}' does not apply to null`, `write ${c.sql} = null or ${c.sql} != null`);
    const isNull = freeze({ kind: 'isNull', field: c.sql });
    return op.value === '=' ? isNull : freeze({ kind: 'not', term: isNull });
  }
  if ((c.type === 'ip' || c.type === 'enum') && !equality) {
    fail(p, op, `'${op.raw}' does not apply to ${c.sql}`, `${c.sql} compares with =, != or in [...]`);
  }
  return freeze({ kind: 'compare', field: c.sql, op: op.value as CompareOp, value: read(v) });
}

function fieldTerm(p: Cursor, name: Token): FilterExpr {
  const c =
    fieldByName(name.value) ?? fail(p, name, `unknown field '${name.raw}'`, unknownFieldHint(name.value));
  const read = (t: Token): FieldValue => {
    if (isWord(t, 'null')) fail(p, t, 'null is not allowed in a list', `write ${c.sql} = null on its own`);
    return unwrap(p, t, parseFieldValue(c, t.value));
  };
  if (isWord(peek(p), 'in')) {
    next(p);
    return freeze({ kind: 'in', field: c.sql, values: Object.freeze(list(p, read)) });
  }
  const op = next(p);
  if (op.kind !== 'op') unexpected(p, op, `expected =, !=, <, <=, >, >=, ~ or in after '${name.raw}'`);
  const v = valueToken(p, `expected a value after '${op.raw}'`);
  if (op.value !== '~') return comparison(p, c, op, v, read);
  if (c.type !== 'string') fail(p, op, `'~' does not apply to ${c.sql}`, GLOB_HINT);
  return freeze({ kind: 'glob', field: c.sql, pattern: v.value });
}

function keywordTerm(p: Cursor, t: Token, kw: string): FilterExpr | undefined {
  switch (kw) {
    case 'src':
    case 'dst':
      return sidedTerm(p, t);
    case 'host':
    case 'net':
    case 'addr':
      return addressTerm(p, 'either', kw);
    case 'port':
      return portTerm(p, 'either');
    case 'proto':
      return sugarTerm(p, kw, 'protocol', (v) => unwrap(p, v, parseProtocol(v.value)));
    case 'action':
      return sugarTerm(p, kw, 'action', enumReader(p, 'action'));
    case 'status':
      return sugarTerm(p, kw, 'log_status', enumReader(p, 'log_status'));
    case 'kind': {
      const v = valueToken(p, "expected vpc or tgw after 'kind'");
      const value = unwrap(p, v, parseWord(v.value, KIND_VALUES, 'record kind')) as FlowKind;
      return freeze({ kind: 'flowKind', value });
    }
    case 'flags': {
      const v = valueToken(p, "expected fin, syn, rst or synack after 'flags'");
      const flag = unwrap(p, v, parseWord(v.value, Object.keys(FLAGS), 'tcp flag'));
      return freeze({ kind: 'flags', mask: FLAGS[flag] as number });
    }
    default:
      return undefined;
  }
}

/** One term: a keyword term, or a field compared with a value. */
export function term(p: Cursor): FilterExpr {
  const t = next(p);
  if (t.kind !== 'word') return unexpected(p, t, TERM_HINT);
  const after = peek(p);
  // `action = accept` is the field; `action accept` is the keyword
  const compares = after.kind === 'op' || isWord(after, 'in');
  if (compares && fieldByName(t.value) !== undefined) return fieldTerm(p, t);
  return keywordTerm(p, t, t.value.toLowerCase()) ?? fieldTerm(p, t);
}
