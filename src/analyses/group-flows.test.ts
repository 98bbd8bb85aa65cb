// groupFlows splits flows by address family to group them faster; this checks, on hand-made
// flows of every family mix (pkt-* of the other family, no address at all), that its groups and
// aggregates are exactly those of one plain GROUP BY on the general keys.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS } from '../../test/support/test-flows.js';
import { createTestStore, type TestFlow, type TestStore } from '../../test/support/test-store.js';
import { STORE } from '../flow/index.js';
import { duckdbDialect, ident, join, render, type SqlNode, sql } from '../sql/index.js';
import { dimension, groupFlows, keyName, TRAFFIC } from './index.js';

const base = FLOWS[0] as TestFlow;
// biome-ignore format: one flow per line reads as a table
const MORE: readonly TestFlow[] = [
  // an IPv6 interface with an IPv4 packet address: its effective source is IPv4, the same as rid 1's
  { ...base, rid: 101, srcaddr: '2001:db8::9', pkt_srcaddr: '10.27.64.5', dstaddr: '2001:db8::1', pkt_dstaddr: '10.1.2.3', dstport: 443, bytes: 7 },
  // an OK flow with no address at all: one NULL group
  { ...base, rid: 102, srcaddr: null, dstaddr: null, dstport: 80, bytes: 11 },
  { ...base, rid: 103, srcaddr: '2001:db8:0:1::5', pkt_srcaddr: '2001:db8:1::7', dstaddr: '10.1.2.3', dstport: 22, bytes: 13 },
];

const CASES: readonly (readonly string[])[] = [
  ['src'],
  ['dst'],
  ['src', 'dst'],
  ['srcaddr'],
  ['pkt_srcaddr', 'dstport'],
  ['src', 'vpc_id', 'dstport'],
  ['vpc_id'],
];

const AGGREGATES = sql`count(*) AS flows, sum(${ident('bytes')}) AS bytes, count(DISTINCT ${ident('dstport')}) AS ports`;

describe('groupFlows', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore();
    await store.load([...FLOWS, ...MORE]);
  });
  afterAll(() => store.close());

  async function rows(node: SqlNode): Promise<string[]> {
    const { text, params } = render(node, duckdbDialect);
    expect(params).toEqual([]);
    const r = await store.connection.runAndReadAll(text);
    return r
      .getRowsJS()
      .map((row) => JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
      .sort();
  }

  it.each(CASES.map((c) => [c.join(',')]))(
    'groups %s exactly as one GROUP BY on the general keys',
    async (names) => {
      const dims = names.split(',').map(dimension);
      const keys = dims.flatMap((d, i) => d.keys.map((k, j) => sql`${k} AS ${ident(keyName(i, j))}`));
      const reference = sql`SELECT ${join(keys)}, ${AGGREGATES} FROM ${ident(STORE.table)} WHERE ${TRAFFIC} GROUP BY ALL`;
      const grouped = sql`WITH ${groupFlows('g', dims, TRAFFIC, AGGREGATES)} SELECT * FROM g`;
      const want = await rows(reference);
      expect(want.length).toBeGreaterThan(1);
      expect(await rows(grouped)).toEqual(want);
    },
  );
});

describe('the service dimension', () => {
  it('is the lower port of the two, or the one present, as least() would say', async () => {
    const store = await createTestStore();
    try {
      const ports = [null, 0, 22, 443, 1024, 65535];
      const pairs = ports.flatMap((s) => ports.map((d) => [s, d] as const));
      const values = pairs.map(([s, d]) => `(${s ?? 'NULL'}::USMALLINT, ${d ?? 'NULL'}::USMALLINT)`);
      const key = render(dimension('service').keys[0] as SqlNode, duckdbDialect).text;
      const r = await store.connection.runAndReadAll(
        `SELECT ${key} AS service, least(srcport, dstport) AS least FROM (VALUES ${values.join(', ')}) v(srcport, dstport)`,
      );
      const got = r.getRowObjectsJS();
      expect(got).toHaveLength(pairs.length);
      for (const row of got) expect(row.service).toBe(row.least);
      expect(got.filter((row) => row.service === null)).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
