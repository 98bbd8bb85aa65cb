// The `segments:` section. A segment is a list of members (or one), each a CIDR, an interface
// (eni-), subnet (subnet-), VPC (vpc-) or account id (12 digits), or a mapping with `cidrs`,
// `ids`, `include` (other segments: a group) and `description`.

import { type Cidr, parseCidr } from '../flow/index.js';
import type { IdKind } from './model.js';
import { refsOf } from './parse-match.js';
import { NAME, RESERVED, type SegmentDef } from './segments.js';
import {
  entries,
  fields,
  isMapping,
  list,
  optionalText,
  policyError,
  text,
  type Value,
} from './yaml-reader.js';

const ID_PATTERNS: readonly (readonly [IdKind, RegExp])[] = [
  ['interface', /^eni-[0-9a-f]{8,17}$/],
  ['subnet', /^subnet-[0-9a-f]{8,17}$/],
  ['vpc', /^vpc-[0-9a-f]{8,17}$/],
  ['account', /^\d{12}$/],
];

export function cidrOf(t: string, v: Value): Cidr {
  const c = parseCidr(t);
  if ('error' in c)
    throw policyError(
      'policy.bad-cidr',
      `${c.error} (in ${v.path})`,
      v.at,
      'write an address block such as 10.27.64.0/21, or one address such as 10.27.136.5',
    );
  return c;
}

interface Members {
  cidrs: Cidr[];
  ids: Record<IdKind, string[]>;
}

function addMember(m: Members, v: Value): void {
  const t = text(v);
  const id = ID_PATTERNS.find(([, re]) => re.test(t));
  if (id !== undefined) {
    m.ids[id[0]].push(t);
    return;
  }
  if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(t) && /[.:]/.test(t)) {
    m.cidrs.push(cidrOf(t, v));
    return;
  }
  throw policyError(
    'policy.bad-value',
    `'${t}' in ${v.path} is neither an address block nor an id`,
    v.at,
    'write a CIDR (10.27.64.0/21), an address, or an id: eni-..., subnet-..., vpc-..., a 12-digit account id',
  );
}

export function checkName(name: string, at: string, what = 'segment'): void {
  if (!NAME.test(name)) {
    throw policyError(
      'policy.bad-value',
      `'${name}' is not a valid ${what} name`,
      at,
      'use letters, digits, . _ - and / to nest (laa-production/private)',
    );
  }
  const head = name.split('/')[0] as string;
  if ((RESERVED as readonly string[]).includes(name) || head === 'any') {
    throw policyError(
      'policy.invalid',
      `'${name}' is built in and cannot be declared`,
      at,
      `'any' is every address and 'internet' every public one; declare a child such as internet/partners instead`,
    );
  }
}

function segmentDef(name: string, v: Value, at: string): SegmentDef {
  checkName(name, at);
  const m: Members = { cidrs: [], ids: { interface: [], subnet: [], vpc: [], account: [] } };
  if (!isMapping(v)) {
    for (const x of list(v)) addMember(m, x);
    return { name, at, cidrs: m.cidrs, ids: m.ids, include: [], origin: 'declared' };
  }
  const f = fields(v, ['cidrs', 'ids', 'include', 'description']);
  for (const key of ['cidrs', 'ids'] as const) {
    const x = f.get(key);
    if (x !== undefined) for (const item of list(x)) addMember(m, item);
  }
  const description = optionalText(f.get('description'));
  return {
    name,
    at,
    cidrs: m.cidrs,
    ids: m.ids,
    include: refsOf(f.get('include')),
    ...(description === undefined ? {} : { description }),
    origin: 'declared',
  };
}

export function parseSegments(v: Value | undefined): SegmentDef[] {
  if (v === undefined) return [];
  return entries(v, 'segment').map(([name, value, at]) => segmentDef(name, value, at));
}
