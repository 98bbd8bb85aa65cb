// Reading YAML by hand, with positions: every value keeps the file:line:col it was written at,
// so each error points there. The failsafe schema keeps every scalar as written (an account id
// `012345678901` keeps its zero; `on`/`no` stay words), and the readers below convert and check.

import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { UserError } from '../errors.js';
import { suggest } from '../filter/index.js';

/** A value in a YAML document: the node, where it is, and its path for messages (`rules[2].deny`). */
export interface Value {
  readonly node: unknown;
  readonly at: string;
  readonly path: string;
  /** file:line:col of an offset in the same document */
  readonly where: (offset: number) => string;
}

interface Located {
  readonly range?: readonly [number, number, number] | null;
}

export function policyError(code: string, message: string, at: string, hint: string): UserError {
  return new UserError(code, message, { at, hint });
}

/** Parses a YAML document; a syntax error is `policy.syntax` at its position. */
export function loadYaml(text: string, file: string): Value {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    schema: 'failsafe',
    uniqueKeys: true,
    prettyErrors: false,
  });
  const where = (offset: number): string => {
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  const first = doc.errors[0];
  if (first !== undefined) {
    const message = first.message.split('\n')[0] ?? first.message;
    throw policyError(
      'policy.syntax',
      `${file} is not valid YAML: ${message}`,
      where(first.pos[0]),
      'check indentation and quoting near that place (a value with `: ` or `#` needs quotes)',
    );
  }
  return wrap(doc.contents, '', where, 0);
}

function wrap(node: unknown, path: string, where: (offset: number) => string, fallback: number): Value {
  const offset = (node as Located | null)?.range?.[0] ?? fallback;
  return { node, at: where(offset), path, where };
}

function child(parent: Value, node: unknown, path: string): Value {
  return wrap(node, path, parent.where, (parent.node as Located | null)?.range?.[0] ?? 0);
}

const describe = (v: Value): string => (v.path === '' ? 'the policy' : v.path);

export function isMapping(v: Value): boolean {
  return isMap(v.node);
}

/** The keys of a mapping, each checked against `allowed`; a missing required key or an unknown one is an error. */
export function fields(
  v: Value,
  allowed: readonly string[],
  required: readonly string[] = [],
): ReadonlyMap<string, Value> {
  if (!isMap(v.node))
    throw policyError(
      'policy.invalid',
      `${describe(v)} must be a mapping of ${allowed.join(', ')}`,
      v.at,
      'write it as `key: value` lines, indented under its parent',
    );
  const out = new Map<string, Value>();
  for (const pair of v.node.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const keyValue = child(v, keyNode, `${v.path}${v.path === '' ? '' : '.'}${key}`);
    if (!allowed.includes(key)) {
      const close = suggest(key, allowed);
      const hint =
        close === undefined
          ? `allowed here: ${allowed.join(', ')}`
          : `did you mean '${close}'? (allowed here: ${allowed.join(', ')})`;
      throw policyError('policy.unknown-key', `unknown key '${key}' in ${describe(v)}`, keyValue.at, hint);
    }
    out.set(key, child(v, pair.value, keyValue.path));
  }
  for (const key of required) {
    if (!out.has(key))
      throw policyError('policy.invalid', `${describe(v)} needs '${key}'`, v.at, `add '${key}: ...' to it`);
  }
  return out;
}

/** The keys of a mapping, any keys accepted (a platform's own files carry much we do not read). */
export function looseFields(v: Value): ReadonlyMap<string, Value> {
  return new Map(entries(v, 'key').map(([key, value]) => [key, value] as const));
}

/** The entries of a mapping whose keys are names (segments): [name, value] in order. */
export function entries(v: Value, what: string): readonly (readonly [string, Value, string])[] {
  if (v.node === null || v.node === undefined) return [];
  if (!isMap(v.node))
    throw policyError(
      'policy.invalid',
      `${describe(v)} must be a mapping of ${what}`,
      v.at,
      `write one '<name>: ...' line per ${what}`,
    );
  return v.node.items.map((pair) => {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const keyAt = child(v, keyNode, `${v.path}.${key}`).at;
    return [key, child(v, pair.value, `${v.path}.${key}`), keyAt] as const;
  });
}

/** A list, or a single value taken as a list of one. */
export function list(v: Value): readonly Value[] {
  if (v.node === null || v.node === undefined) return [];
  if (isSeq(v.node)) return v.node.items.map((item, i) => child(v, item, `${v.path}[${i}]`));
  return [v];
}

export function text(v: Value): string {
  if (!isScalar(v.node))
    throw policyError(
      'policy.invalid',
      `${describe(v)} must be a single value`,
      v.at,
      'write it on one line after the key',
    );
  return String(v.node.value).trim();
}

export function optionalText(v: Value | undefined): string | undefined {
  return v === undefined ? undefined : text(v);
}

export function integer(v: Value, min: number, max: number): number {
  const t = text(v);
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw policyError(
      'policy.bad-value',
      `${describe(v)} '${t}' is not a whole number from ${min} to ${max}`,
      v.at,
      `e.g. ${min + 1}`,
    );
  }
  return Number(t);
}

export function boolean(v: Value): boolean {
  const t = text(v).toLowerCase();
  if (t === 'true' || t === 'yes') return true;
  if (t === 'false' || t === 'no') return false;
  throw policyError(
    'policy.bad-value',
    `${describe(v)} '${t}' is not true or false`,
    v.at,
    'write true or false',
  );
}

/** One of a closed set of words. */
export function oneOf<T extends string>(v: Value, choices: readonly T[]): T {
  const t = text(v);
  if ((choices as readonly string[]).includes(t)) return t as T;
  throw policyError(
    'policy.bad-value',
    `${describe(v)} '${t}' is not one of ${choices.join(', ')}`,
    v.at,
    `write one of: ${choices.join(', ')}`,
  );
}

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `15m`, `90s`, `1h30m`, `2d` -> seconds. */
export function duration(v: Value): number {
  const t = text(v);
  if (!/^(\d+[smhd])+$/.test(t)) {
    throw policyError(
      'policy.bad-duration',
      `${describe(v)} '${t}' is not a duration`,
      v.at,
      'write a number and a unit: 90s, 15m, 1h30m, 2d',
    );
  }
  let total = 0;
  for (const m of t.matchAll(/(\d+)([smhd])/g)) total += Number(m[1]) * (UNITS[m[2] as string] as number);
  if (total === 0)
    throw policyError(
      'policy.bad-duration',
      `${describe(v)} '${t}' is zero`,
      v.at,
      'give a duration above zero, e.g. 15m',
    );
  return total;
}

/** A date (`2027-03-31`, through the end of that day UTC) or an ISO-8601 UTC time -> epoch seconds. */
export function date(v: Value): number {
  const t = text(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    if (!Number.isNaN(ms)) return ms / 1000 + 86400;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw policyError(
    'policy.bad-value',
    `${describe(v)} '${t}' is not a date`,
    v.at,
    'write a date such as 2027-03-31 (valid through that day, UTC) or 2027-03-31T12:00:00Z',
  );
}
