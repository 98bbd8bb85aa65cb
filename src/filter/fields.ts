// The names a filter may use: every column of flow/columns.ts (SQL or AWS spelling) and the
// keywords, plus "did you mean" suggestions by edit distance for the ones people mistype.

import { COLUMNS, type Column, columnBySql } from '../flow/index.js';

/** Field names a filter accepts (SQL spelling; the AWS spelling `vpc-id` works too). */
export const FILTER_FIELDS: readonly string[] = Object.freeze(COLUMNS.map((c) => c.sql));

/** Words with a meaning of their own at the start of a term. */
export const FILTER_KEYWORDS: readonly string[] = Object.freeze([
  'src',
  'dst',
  'host',
  'net',
  'addr',
  'port',
  'proto',
  'action',
  'status',
  'kind',
  'flags',
  'not',
]);

/** The column a filter names, in either spelling, case-insensitively. */
export function fieldByName(name: string): Column | undefined {
  return columnBySql(name.toLowerCase());
}

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (`tpc` -> `tcp` is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

/** The closest candidate within a typo's reach (<= 2 edits, under half the word); ties go to the longer shared prefix. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.ceil(word.length / 2) - 1);
  let best: { name: string; distance: number; prefix: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word, name);
    const prefix = commonPrefix(word, name);
    if (distance > limit) continue;
    if (
      best === undefined ||
      distance < best.distance ||
      (distance === best.distance && prefix > best.prefix)
    ) {
      best = { name, distance, prefix };
    }
  }
  return best?.name;
}

const NAMES: readonly string[] = [...FILTER_FIELDS, ...FILTER_KEYWORDS];

/** A hint for an unknown field name: the nearest field or keyword, or what may be written. */
export function unknownFieldHint(name: string): string {
  const lower = name.toLowerCase().replaceAll('-', '_');
  const close = suggest(lower, NAMES);
  if (close !== undefined) return `did you mean ${close}?`;
  return 'expected a field (vpc_id, srcaddr, dstport, bytes, ...) or host, net, port, proto, action, status, kind, flags, src, dst, not';
}
