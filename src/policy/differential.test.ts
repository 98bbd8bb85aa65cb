// The policy compiled to SQL and compiled to a matcher must agree on every flow: the same
// segments, connection, class and capture segment, and the same rule hits. Generated flows
// (edges of every block, both families, pkt-* addresses, ids, flags, directions, TGW loss,
// times around exception expiries) run through a real DuckDB store built from the engine's DDL.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asPolicyFlow,
  asTestFlow,
  DAY,
  flowArb,
  type GeneratedFlow,
  DIFF_POLICY as POLICY,
  T,
} from '../../test/support/policy-flows.js';
import { createTestStore, type TestFlow, type TestStore } from '../../test/support/test-store.js';
import { duckdbDialect, raw, render, sql } from '../sql/index.js';
import { classifyCtes } from './classify-ctes.js';
import { compileMatcher } from './matcher.js';
import { type CheckRange, ruleHitsSql, xmaskSql } from './rules-sql.js';
import { addressMapSql } from './segment-sql.js';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.close());

const COLUMNS = [
  'sseg',
  'dseg',
  'reply',
  'cls',
  'cseg',
  'vseg',
  'ctop',
  'vtop',
  'protocol',
  'port',
  'capseg',
  'captop',
  'hop',
  'hoptop',
  'direct',
] as const;

async function sqlSide(
  range: CheckRange,
  lookup: 'map' | 'tree',
): Promise<{ classified: Map<number, Record<string, unknown>>; hits: string[] }> {
  if (lookup === 'map') {
    for (const f of ['v4', 'v6'] as const) {
      const r = render(addressMapSql(POLICY, f, sql`TRUE`), duckdbDialect);
      await store.connection.run(r.text, r.params as never);
    }
  }
  const ctes = classifyCtes(POLICY, { where: sql`TRUE`, extra: ['rid'], lookup });
  const classifiedSql = render(
    sql`WITH ${ctes} SELECT rid, ${raw(COLUMNS.join(', '))} FROM c`,
    duckdbDialect,
  );
  const rows = await store.connection.runAndReadAll(classifiedSql.text, classifiedSql.params as never);
  const classified = new Map(rows.getRowObjectsJS().map((r) => [Number(r.rid), r]));
  const hitsNode = sql`WITH ${ctes}, cx AS (SELECT *, ${xmaskSql(POLICY, range)} AS xmask FROM c), h AS (${ruleHitsSql(POLICY, range, 'cx', ['rid', 'cseg', 'vseg', 'protocol', 'port'])})
SELECT rid, rule, finding, cseg, vseg, protocol, port, xexp FROM h`;
  const r = render(hitsNode, duckdbDialect);
  const hitRows = (await store.connection.runAndReadAll(r.text, r.params as never)).getRowObjectsJS();
  const name = (code: unknown) => (Number(code) > 0 ? POLICY.segments[Number(code) - 1]?.name : null);
  const hits = hitRows.map((h) => {
    const bits = BigInt(h.xexp as bigint);
    const expired = POLICY.exceptions.filter((_, i) => ((bits >> BigInt(i)) & 1n) === 1n).map((e) => e.name);
    return JSON.stringify([
      Number(h.rid),
      POLICY.rules[Number(h.rule)]?.name,
      h.finding,
      name(h.cseg),
      name(h.vseg),
      h.protocol ?? null,
      h.port ?? null,
      expired,
    ]);
  });
  return { classified, hits: hits.sort() };
}

function jsSide(flows: readonly TestFlow[]): {
  classified: Map<number, Record<string, unknown>>;
  hits: string[];
} {
  const m = compileMatcher(POLICY);
  const classified = new Map<number, Record<string, unknown>>();
  const hits: string[] = [];
  for (const t of flows) {
    const f = asPolicyFlow(t);
    const k = m.classify(f);
    if (k !== null) classified.set(t.rid, { rid: t.rid, ...k });
    for (const h of m.hits(f))
      hits.push(JSON.stringify([t.rid, h.rule, h.finding, h.from, h.to, h.protocol, h.port, h.expired]));
  }
  return { classified, hits: hits.sort() };
}

const normal = (r: Record<string, unknown> | undefined) =>
  r === undefined
    ? undefined
    : Object.fromEntries(
        COLUMNS.map((c) => [
          c,
          r[c] === null || r[c] === undefined ? null : typeof r[c] === 'boolean' ? r[c] : Number(r[c]),
        ]),
      );

describe('the SQL and the in-memory matcher agree', () => {
  it.each([
    ['with no time range (every exception judged per flow), segments from the address map', {}, 'map'],
    [
      'over a range that fixes some exceptions as expired or in force, segments from the CASE tree',
      { since: T - 3 * DAY, until: T + 2 * DAY },
      'tree',
    ],
  ] as const)(
    'on generated flows %s',
    async (_what, range: CheckRange, lookup) => {
      const inRange = (f: GeneratedFlow) =>
        (range.since === undefined || f.start >= range.since) &&
        (range.until === undefined || f.start < range.until);
      await fc.assert(
        fc.asyncProperty(fc.array(flowArb, { minLength: 1, maxLength: 150 }), async (generated) => {
          const flows = generated.filter(inRange).map(asTestFlow);
          await store.load(flows);
          const [s, j] = [await sqlSide(range, lookup), jsSide(flows)];
          expect([...s.classified.keys()].sort()).toEqual([...j.classified.keys()].sort());
          for (const [rid, row] of s.classified)
            expect([rid, normal(row)]).toEqual([rid, normal(j.classified.get(rid))]);
          expect(s.hits).toEqual(j.hits);
        }),
        { numRuns: 12 },
      );
    },
    120_000,
  );

  it('is not vacuous: the generated flows hit every rule, both kinds, and an expired exception', async () => {
    const flows = fc.sample(flowArb, { numRuns: 3000, seed: 42 }).map(asTestFlow);
    const hits = jsSide(flows).hits.map((h) => JSON.parse(h) as [number, string, string, ...unknown[]]);
    expect(new Set(hits.map((h) => h[1]))).toEqual(new Set(POLICY.rules.map((r) => r.name)));
    expect(new Set(hits.map((h) => h[2]))).toEqual(new Set(['violation', 'blocked']));
    expect(hits.some((h) => (h[7] as string[]).includes('gone'))).toBe(true);
  });
});
