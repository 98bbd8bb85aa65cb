// Derived dimensions (a value computed from another dimension's groups) give exactly the groups
// and sums of the same value computed per flow, for every analysis that groups: checked with an
// address -> /24 network mapping on hand-made flows of every family mix.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS } from '../../test/support/test-flows.js';
import { createTestStore, type TestStore } from '../../test/support/test-store.js';
import { PARAM_TYPES } from '../engine/index.js';
import { duckdbDialect, render, type SqlNode, sql } from '../sql/index.js';
import { type Dimension, dimension, matrix, sankey, timeSeries, topTalkers } from './index.js';

/** The /24 of an IPv4 address, as a number (NULL for IPv6): cheap, but enough to tell the two ways apart. */
function net24(side: 'src' | 'dst', derived: boolean): Dimension {
  const base = dimension(side);
  const map = (k: (j: number) => SqlNode) => sql`(${k(0)} // 256)`;
  return {
    name: `${side}_net`,
    keys: [map((j) => base.keys[j] as SqlNode)],
    display: (k) => k(0),
    ...(derived ? { derive: { base, map } } : {}),
  };
}

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
  await store.load(FLOWS);
});
afterAll(() => store.close());

async function rows(node: SqlNode): Promise<string[]> {
  const { text, params, types } = render(node, duckdbDialect);
  const bound = types.map((t) => (t === undefined ? undefined : PARAM_TYPES[t]));
  const r = await store.connection.runAndReadAll(text, params as never, bound as never);
  return r
    .getRowObjectsJS()
    .map((x) => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}

const CASES: Readonly<Record<string, (derived: boolean) => SqlNode>> = {
  topTalkers: (d) => topTalkers({ dimensions: [net24('src', d), 'dstport'], by: 'bytes', limit: 3 }),
  timeSeries: (d) => timeSeries({ dimension: net24('dst', d), by: 'flows', step: 3600, limit: 2 }),
  sankey: (d) =>
    sankey({ dimensions: [net24('src', d), net24('dst', d), 'protocol'], by: 'packets', limit: 2 }),
  matrix: (d) => matrix({ from: net24('src', d), to: net24('dst', d) }),
};

describe('groupAdditive with derived dimensions', () => {
  it.each(Object.keys(CASES))('%s answers the same as mapping every flow', async (name) => {
    const build = CASES[name] as (d: boolean) => SqlNode;
    const perFlow = await rows(build(false));
    expect(perFlow.length).toBeGreaterThan(1);
    expect(await rows(build(true))).toEqual(perFlow);
  });

  it('groups by the base dimension first, then maps each group once', () => {
    const text = render(matrix({ from: net24('src', true), to: 'dstport' }), duckdbDialect).text;
    expect(text).toMatch(/"g_base" AS \(/);
    expect(text).toMatch(/SELECT \("k0_0" \/\/ 256\) AS "k0_0", "k1_0", sum\("flows"\) AS "flows"/);
  });
});

describe('the protocol, coded in flow_core', () => {
  it('groups flow_core by the code and shows each group as its protocol', async () => {
    const node = topTalkers({ dimensions: ['protocol'], by: 'flows', limit: 50 });
    expect(render(node, duckdbDialect).text).toMatch(/"proto_code" AS "k0_0"/);
    const got = (await rows(node)).map((r) => JSON.parse(r) as { protocol: number | null; flows: number });
    const want = await rows(
      sql`SELECT protocol, count(*) AS flows FROM flow_store WHERE log_status = 'OK' GROUP BY ALL ORDER BY flows DESC, protocol`,
    );
    const shown = got.filter((r) => !('other' in r) || (r as { other?: boolean }).other !== true);
    expect(
      new Set(want.map((r) => (JSON.parse(r) as { protocol: number | null }).protocol)).size,
    ).toBeGreaterThan(2);
    expect(shown.map((r) => JSON.stringify({ protocol: r.protocol, flows: r.flows })).sort()).toEqual(
      want.sort(),
    );
  });
});
