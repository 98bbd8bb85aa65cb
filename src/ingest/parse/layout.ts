// Layouts: which field each position of a text record holds. A layout comes from a header
// line, from a format the user gave (`${version} ${srcaddr} ...` or plain names), or from the
// default v2 VPC / TGW formats. Unknown but well-formed names are kept (rule 8).

import { UserError } from '../../errors.js';
import {
  type Column,
  columnByAws,
  DEFAULT_TGW_FORMAT,
  DEFAULT_VPC_FORMAT,
  TGW_ONLY_FIELDS,
} from '../../flow/index.js';

export interface LayoutField {
  readonly name: string;
  /** undefined = a field we do not know: its values are kept in `extra` */
  readonly column: Column | undefined;
}

export interface Layout {
  readonly fields: readonly LayoutField[];
  readonly kind: 'vpc' | 'tgw';
  /** the canonical text: the field names separated by single spaces */
  readonly text: string;
}

/** What an AWS field name looks like; newer fields keep arriving, so the pattern, not the list, decides. */
export const FIELD_NAME = /^[a-z][a-z0-9-]*$/;

const TGW_ONLY = new Set(TGW_ONLY_FIELDS);

/** A layout of names already known to be well formed; a string names the problem (a duplicate). */
export function layoutOf(names: readonly string[]): Layout | string {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return `field '${n}' appears twice`;
    seen.add(n);
  }
  const fields = names.map((name) => Object.freeze({ name, column: columnByAws(name) }));
  return Object.freeze({
    fields: Object.freeze(fields),
    kind: names.some((n) => TGW_ONLY.has(n)) ? 'tgw' : 'vpc',
    text: names.join(' '),
  });
}

function mustLayout(names: readonly string[]): Layout {
  const l = layoutOf(names);
  if (typeof l === 'string') throw new Error(`built-in format is broken: ${l}`);
  return l;
}

/** The default version 2 VPC format (14 fields). */
export const DEFAULT_VPC_LAYOUT: Layout = mustLayout(DEFAULT_VPC_FORMAT);
/** The default Transit Gateway format (36 fields). */
export const DEFAULT_TGW_LAYOUT: Layout = mustLayout(DEFAULT_TGW_FORMAT);

// The `${...}` below is AWS's format syntax spelled out for the user, not a template.
const EXAMPLE = ['version', 'account-id', 'interface-id'].map((n) => `\${${n}}`).join(' ');
const HINT =
  `write the format as AWS shows it ('${EXAMPLE} ...') ` +
  "or as field names separated by spaces ('version account-id interface-id ...')";

function bad(message: string, at: string | undefined): UserError {
  return new UserError('ingest.bad-format', message, at === undefined ? { hint: HINT } : { hint: HINT, at });
}

/** The field name a format token stands for: `${srcaddr}` or `srcaddr`; undefined when it is neither. */
function tokenName(token: string): string | undefined {
  const name = token.startsWith('${') && token.endsWith('}') ? token.slice(2, -1) : token;
  return FIELD_NAME.test(name) ? name : undefined;
}

/**
 * Reads a format given by the user. Throws `ingest.bad-format` naming the offending token when
 * the text is empty, a token is not a field name, a field repeats, or no field is one we know.
 */
export function parseFormat(text: string, at?: string): Layout {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  if (tokens.length === 0) throw bad('the flow-log format is empty', at);
  const names: string[] = [];
  for (const t of tokens) {
    const name = tokenName(t);
    if (name === undefined) throw bad(`'${t}' in the flow-log format is not a field name`, at);
    names.push(name);
  }
  const layout = layoutOf(names);
  if (typeof layout === 'string') throw bad(`${layout} in the flow-log format`, at);
  if (layout.fields.every((f) => f.column === undefined)) {
    throw bad(`the flow-log format '${layout.text}' names no known field`, at);
  }
  return layout;
}
