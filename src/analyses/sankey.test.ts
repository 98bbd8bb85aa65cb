// sankey on hand-made flows: each dimension keeps its own top-N and folds the rest into "other";
// the paths add up to the total.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS } from '../../test/support/test-flows.js';
import { createTestStore, type TestStore } from '../../test/support/test-store.js';
import type { SqlNode } from '../sql/index.js';
import { sankey, totals } from './index.js';

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
