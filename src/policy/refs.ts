// Segment references -> sets of codes. A reference is `any`, a segment name, or a glob whose `*`
// matches within one name part (`*-production`, `*/private`); it covers the segments it names,
// their descendants, and for a group the segments it includes. An unknown name is an error at
// the place it was written, with the nearest names as a hint.

import { suggest } from '../filter/index.js';
import type { SegmentSet } from './model.js';
import type { RefText, SegmentTable } from './segments.js';
import { policyError } from './yaml-reader.js';

const GLOB = /^[A-Za-z0-9*][A-Za-z0-9._*-]*(\/[A-Za-z0-9*][A-Za-z0-9._*-]*)*$/;

function globRegex(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c.replace(/[.\\^$+?()[\]{}|-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** Names a single reference matches, before expansion (no `any`). */
export function namesOf(table: SegmentTable, ref: RefText): readonly string[] {
  if (!GLOB.test(ref.text)) {
    throw policyError(
      'policy.bad-value',
      `'${ref.text}' is not a segment name or pattern`,
      ref.at,
      "write a segment name (laa-production/private), a pattern with * (*-production, */private) or 'any'",
    );
  }
  const re = globRegex(ref.text);
  const names = table.segments.map((s) => s.name).filter((n) => re.test(n));
  if (names.length === 0) {
    const all = table.segments.map((s) => s.name);
    const close = suggest(ref.text, all);
    const hint =
      close !== undefined
        ? `did you mean '${close}'?`
        : `declare it under segments:, or use one of: ${all
            .filter((n) => !n.includes('/'))
            .slice(0, 12)
            .join(', ')}${all.length > 12 ? ', ...' : ''}`;
    throw policyError('policy.unknown-segment', `unknown segment '${ref.text}'`, ref.at, hint);
  }
  return names;
}

/** Resolves references once per name, following groups and detecting cycles. */
export function createResolver(table: SegmentTable): (refs: readonly RefText[], text?: string) => SegmentSet {
  const memo = new Map<string, readonly number[]>();
  const visiting: string[] = [];
  const expand = (name: string): readonly number[] => {
    const done = memo.get(name);
    if (done !== undefined) return done;
    if (visiting.includes(name)) {
      const ref = (table.includes.get(name) ?? [])[0];
      throw policyError(
        'policy.invalid',
        `segment '${name}' includes itself (${[...visiting, name].join(' -> ')})`,
        ref?.at ?? '',
        'a group may include other segments, not itself',
      );
    }
    visiting.push(name);
    const codes = new Set<number>();
    const first = (table.byName.get(name) as { code: number }).code;
    for (let c = first; c <= (table.subtreeEnd.get(name) as number); c++) {
      codes.add(c);
      // a descendant that is itself a group brings its members
      const child = table.segments[c - 1]?.name as string;
      if (child !== name && table.includes.has(child)) for (const x of expand(child)) codes.add(x);
    }
    for (const ref of table.includes.get(name) ?? [])
      for (const n of namesOf(table, ref)) for (const x of expand(n)) codes.add(x);
    visiting.pop();
    const out = [...codes].sort((a, b) => a - b);
    memo.set(name, out);
    return out;
  };
  return (refs, text) => {
    const shown = text ?? refs.map((r) => r.text).join(', ');
    if (refs.length === 0 || refs.some((r) => r.text === 'any'))
      return { any: true, text: shown === '' ? 'any' : shown };
    const codes = new Set<number>();
    for (const ref of refs) for (const n of namesOf(table, ref)) for (const c of expand(n)) codes.add(c);
    return { any: false, text: shown, codes: [...codes].sort((a, b) => a - b) };
  };
}

/** Contiguous runs of a sorted code list, for BETWEEN tests. */
export function runs(codes: readonly number[]): readonly (readonly [number, number])[] {
  const out: [number, number][] = [];
  for (const c of codes) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] + 1 === c) last[1] = c;
    else out.push([c, c]);
  }
  return out;
}

export function inSet(set: SegmentSet, code: number): boolean {
  if (set.any) return true;
  let lo = 0;
  let hi = set.codes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = set.codes[mid] as number;
    if (v === code) return true;
    if (v < code) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
