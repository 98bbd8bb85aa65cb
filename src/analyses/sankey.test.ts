// sankey on hand-made flows: each dimension keeps its own top-N and folds the rest into "other";
// the paths add up to the total.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, T0 } from '../../test/support/test-flows.js';
import { createTestStore, type TestFlow, type TestStore } from '../../test/support/test-store.js';
import { filterToSql } from '../filter/index.js';
import type { SqlNode } from '../sql/index.js';
import { keyName, type Metric, sankey, topTalkers, totals } from './index.js';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
  await store.load(FLOWS);
});
afterAll(() => store.close());

const rows = (node: SqlNode) => store.query(node);

describe('sankey', () => {
  it('adds flows up per path, biggest first', async () => {
    const r = await rows(sankey({ dimensions: ['vpc_id', 'action'], by: 'flows', limit: 10 }));
    expect(r[0]).toEqual({
      vpc_id: 'vpc-0abc',
      vpc_id_other: false,
      action: 'ACCEPT',
      action_other: false,
      flows: 4n,
    });
    const [total] = await rows(totals({}));
    expect(r.reduce((s, x) => s + Number(x.flows), 0)).toBe(Number(total?.flows));
  });

  it("folds the values outside each dimension's top-N into other, separately per dimension", async () => {
    const r = await rows(sankey({ dimensions: ['vpc_id', 'dstport'], by: 'bytes', limit: 1 }));
    // the biggest VPC by bytes is vpc-0abc (the NAT flow), the biggest port 443
    expect(r.filter((x) => x.vpc_id_other === false).every((x) => x.vpc_id === 'vpc-0abc')).toBe(true);
    expect(r.filter((x) => x.dstport_other === false).every((x) => x.dstport === 443)).toBe(true);
    // no other VPC sent to 443: three paths, the last through other -> other
    expect(
      r.map((x) => [x.vpc_id_other ? 'other' : x.vpc_id, x.dstport_other ? 'other' : x.dstport]),
    ).toEqual([
      ['vpc-0abc', 443],
      ['other', 'other'],
      ['vpc-0abc', 'other'],
    ]);
    expect(r.find((x) => x.vpc_id_other === true)?.vpc_id).toBeNull();
  });

  it('counts a request and its reply as one service: the lower of the two ports', async () => {
    const reply = {
      ...FLOWS[0],
      rid: 100,
      srcaddr: '10.1.2.3',
      dstaddr: '10.27.64.5',
      srcport: 443,
      dstport: 50000,
      bytes: 5,
    };
    await store.load([...FLOWS, reply]);
    try {
      const r = await rows(sankey({ dimensions: ['vpc_id', 'service'], by: 'bytes', limit: 10 }));
      const https = r.filter((x) => x.vpc_id === 'vpc-0abc' && x.service === 443);
      // the request (2,000,000 B), its reply (5 B) and the NAT'd flow (41000 -> 443)
      expect(https.map((x) => x.bytes)).toEqual([2_000_000n + 5n + 5_368_709_120n]);
      const byPort = await rows(sankey({ dimensions: ['vpc_id', 'dstport'], by: 'bytes', limit: 10 }));
      expect(byPort.some((x) => x.dstport === 50000)).toBe(true);
    } finally {
      await store.load(FLOWS);
    }
  });

  it.each([[['src']], [['src', 'dst', 'dstport', 'srcport', 'action']], [['src', 'src']]])(
    'refuses %j: a sankey needs 2 to 4 different dimensions',
    (dims) => {
      expect(() => sankey({ dimensions: dims, by: 'flows', limit: 5 })).toThrow(
        /2 to 4 different dimensions/,
      );
    },
  );
});

// The dashboard knows a port's top values from a query of its own and passes them as `known`:
// the paths must be exactly those the sankey finds itself (in the same order but for paths
// that tie, whose order then follows the rank instead of the value).
describe("sankey with some dimensions' values known", () => {
  let own: TestStore;
  beforeAll(async () => {
    own = await createTestStore();
  });
  afterAll(() => own.close());
  const base = FLOWS[0] as TestFlow;
  const flowArb = fc.record({
    srcport: fc.constantFrom(null, 22, 443, 40000, 50000),
    dstport: fc.constantFrom(null, 22, 443, 3389, 40000, 50000),
    vpc: fc.constantFrom('vpc-a', 'vpc-b', 'vpc-c', null),
    bytes: fc.integer({ min: 1, max: 4 }),
    action: fc.constantFrom('ACCEPT', 'REJECT'),
  });
  const queryArb = fc.record({
    dimensions: fc.shuffledSubarray(['dstport', 'srcport', 'service', 'vpc_id', 'action', 'interface_id'], {
      minLength: 2,
      maxLength: 4,
    }),
    knowing: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    by: fc.constantFrom<Metric>('bytes', 'flows'),
    limit: fc.integer({ min: 1, max: 4 }),
    filtered: fc.boolean(),
  });
  const sorted = (rs: Record<string, unknown>[]) =>
    rs.map((r) => JSON.stringify(r, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).sort();

  it('answers the paths it answers when it finds every top itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(flowArb, { minLength: 1, maxLength: 60 }), queryArb, async (flows, q) => {
        await own.load(
          flows.map((f, i) => ({
            ...base,
            rid: i + 1,
            interface_id: `eni-${i % 3}`,
            srcport: f.srcport,
            dstport: f.dstport,
            protocol: f.srcport === null || f.dstport === null ? 1 : 6,
            vpc_id: f.vpc,
            bytes: f.bytes,
            action: f.action,
          })),
        );
        const range = { since: T0, until: T0 + 3600 };
        const where = q.filtered ? { where: filterToSql('action accept') } : {};
        const plain = { dimensions: q.dimensions, by: q.by, limit: q.limit, range, ...where };
        const known = [];
        for (const [i, d] of q.dimensions.entries()) {
          if (!q.knowing[i] || d === 'action') {
            known.push(undefined);
            continue;
          }
          const top = await own.query(
            topTalkers({ dimensions: [d], by: q.by, limit: q.limit, range, keys: true, ...where }),
          );
          known.push(top.filter((r) => r.other !== true).map((r) => r[keyName(0, 0)] as number | null));
        }
        const want = await own.query(sankey(plain));
        const got = await own.query(sankey({ ...plain, known }));
        expect(sorted(got)).toEqual(sorted(want));
        expect(got.map((r) => r[q.by])).toEqual(want.map((r) => r[q.by]));
      }),
      { numRuns: 150 },
    );
  });
});
