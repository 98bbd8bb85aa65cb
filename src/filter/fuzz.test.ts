// Fuzzing: any text either parses or fails as a filter.invalid user error with a position, never
// as a crash; and random valid filters, run on DuckDB, select what three-valued logic says they
// should, given what their terms select (so pushing `not` down to the leaves changes nothing).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS } from '../../test/support/test-flows.js';
import { createTestStore, type TestStore } from '../../test/support/test-store.js';
import { UserError } from '../errors.js';
import { duckdbDialect, render } from '../sql/index.js';
import { filterToSql, parseFilter } from './index.js';

const TERMS = [
  'proto tcp',
  'proto udp',
  'action reject',
  'action = null',
  'status nodata',
  'kind tgw',
  'flags syn',
  'host 10.1.2.3',
  'src net 10.27.64.0/21',
  'dst net 2001:db8::/32',
  'net ff00::/8',
  'port 443',
  'dst port 1024-65535',
  'port in [22, 3389]',
  'vpc_id = vpc-0abc',
  'vpc_id != vpc-0def',
  "instance_id ~ 'i-0ab*'",
  'instance_id = null',
  'srcaddr != null',
  'srcaddr = 10.0.0.0/8',
  'pkt_srcaddr = null',
  'bytes > 1M',
  'packets <= 10',
  'start >= 2026-11-29T10:00:00Z',
  'type = ipv6',
  'interface_id in [eni-1, eni-4]',
  'tcp_flags = 0',
];

type Tree = { leaf: string } | { not: Tree } | { and: [Tree, Tree] } | { or: [Tree, Tree] };

const trees = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...TERMS).map((leaf): Tree => ({ leaf })),
    tie('tree').map((t): Tree => ({ not: t })),
    fc.tuple(tie('tree'), tie('tree')).map((p): Tree => ({ and: p })),
    fc.tuple(tie('tree'), tie('tree')).map((p): Tree => ({ or: p })),
  ),
})).tree;

function text(t: Tree): string {
  if ('leaf' in t) return t.leaf;
  if ('not' in t) return `not (${text(t.not)})`;
  if ('and' in t) return `(${text(t.and[0])}) and (${text(t.and[1])})`;
  return `(${text(t.or[0])}) || (${text(t.or[1])})`;
}

interface Truth {
  readonly yes: ReadonlySet<number>;
  readonly no: ReadonlySet<number>;
}

let store: TestStore;
const leaves = new Map<string, Truth>();
const select = async (filter: string) => new Set(await store.select(filterToSql(filter, { table: 'f' })));

/** Kleene logic from the leaves: a flow is selected when the filter is TRUE, never when NULL. */
async function truth(t: Tree): Promise<Truth> {
  if ('leaf' in t) {
    const known = leaves.get(t.leaf);
    if (known !== undefined) return known;
    const found = { yes: await select(t.leaf), no: await select(`not (${t.leaf})`) };
    leaves.set(t.leaf, found);
    return found;
  }
  if ('not' in t) {
    const inner = await truth(t.not);
    return { yes: inner.no, no: inner.yes };
  }
  const [left, right] = 'and' in t ? t.and : t.or;
  const l = await truth(left); // one after the other: one DuckDB connection
  const r = await truth(right);
  const both = (x: ReadonlySet<number>, y: ReadonlySet<number>) => new Set([...x].filter((n) => y.has(n)));
  const either = (x: ReadonlySet<number>, y: ReadonlySet<number>) => new Set([...x, ...y]);
  return 'and' in t
    ? { yes: both(l.yes, r.yes), no: either(l.no, r.no) }
    : { yes: either(l.yes, r.yes), no: both(l.no, r.no) };
}

beforeAll(async () => {
  store = await createTestStore();
  await store.load(FLOWS);
});
afterAll(() => store.close());

describe('fuzzing the filter language', () => {
  it('parses or fails with a positioned filter.invalid error for any text', () => {
    const alphabet = fc.constantFrom(...'ab01 :/.-_*?()[],\'"=!<>~&|\n\tinotrsdcpk'.split(''));
    const noise = fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 40 }));
    const mutated = fc
      .tuple(fc.constantFrom(...TERMS), fc.nat(), fc.nat({ max: 3 }), noise)
      .map(
        ([t, at, cut, extra]) =>
          t.slice(0, at % (t.length + 1)) + extra + t.slice((at % (t.length + 1)) + cut),
      );
    fc.assert(
      fc.property(fc.oneof(noise, mutated), (input) => {
        try {
          render(filterToSql(input), duckdbDialect);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          expect((e as UserError).code).toBe('filter.invalid');
          expect((e as UserError).at).toMatch(/^filter:\d+:\d+$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('selects on DuckDB exactly the flows three-valued logic gives from the terms', async () => {
    await fc.assert(
      fc.asyncProperty(trees, async (t) => {
        const filter = text(t);
        expect(parseFilter(filter)).toBeDefined();
        const expected = await truth(t);
        expect([...(await select(filter))].sort((a, b) => a - b)).toEqual(
          [...expected.yes].sort((a, b) => a - b),
        );
      }),
      { numRuns: 150 },
    );
  });
});
