// timeSeries on hand-made flows: buckets, the top-N series, the "other" series, and that every
// bucket's series add up to the traffic in it.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, T0 } from '../../test/support/test-flows.js';
import { createTestStore, type TestFlow, type TestStore } from '../../test/support/test-store.js';
import { filterToSql } from '../filter/index.js';
import type { SqlNode } from '../sql/index.js';
import { keyName, type Metric, timeSeries, topTalkers, totals } from './index.js';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
  await store.load(FLOWS);
});
afterAll(() => store.close());

const rows = (node: SqlNode) => store.query(node);

const DAY = { since: T0 - 2 * 86400, until: T0 + 86400 };

describe('timeSeries', () => {
  it('puts each flow in the bucket its start falls in, one series per action', async () => {
    const r = await rows(timeSeries({ dimension: 'action', by: 'flows', range: DAY, step: 3600, limit: 5 }));
    expect(r).toEqual([
      { bucket: BigInt(T0 - 86400), series: 'REJECT', other: false, flows: 1n },
      { bucket: BigInt(T0), series: 'ACCEPT', other: false, flows: 7n },
      { bucket: BigInt(T0), series: 'REJECT', other: false, flows: 1n },
      { bucket: BigInt(T0), series: null, other: false, flows: 1n }, // the TGW record has no action
      { bucket: BigInt(T0 + 3600), series: 'ACCEPT', other: false, flows: 1n },
    ]);
  });

  it('keeps the top-N series over the whole range and folds the rest into one other series per bucket', async () => {
    const r = await rows(
      timeSeries({ dimension: 'dstport', by: 'bytes', range: DAY, step: 86400, limit: 2 }),
    );
    const named = r.filter((x) => x.other === false).map((x) => x.series);
    expect(new Set(named)).toEqual(new Set([443, 3389]));
    const sum = (xs: Record<string, unknown>[]) => xs.reduce((s, x) => s + Number(x.bytes), 0);
    const [total] = await rows(totals({ range: DAY }));
    expect(sum(r)).toBe(Number(total?.bytes));
    expect(r.some((x) => x.other === true)).toBe(true);
  });

  it('applies the filter before choosing the series', async () => {
    const r = await rows(
      timeSeries({
        dimension: 'vpc_id',
        by: 'flows',
        where: filterToSql('dst port 443'),
        range: DAY,
        step: 3600,
        limit: 5,
      }),
    );
    expect(r).toEqual([{ bucket: BigInt(T0), series: 'vpc-0abc', other: false, flows: 2n }]);
  });

  it('refuses a step that is not a whole number of seconds', () => {
    expect(() =>
      timeSeries({ dimension: 'dstport', by: 'flows', step: 60, limit: 1, top: [443, 22] }),
    ).toThrow(/2 known series for a limit of 1/);
    expect(() => timeSeries({ dimension: 'src', by: 'flows', step: 60, limit: 2, top: [1] })).toThrow(
      /one key that is not derived, not 'src'/,
    );
    expect(() => timeSeries({ dimension: 'action', by: 'flows', step: 0.5, limit: 5 })).toThrow(
      /whole number/,
    );
  });
});

// The overview knows a port dimension's top values from a top table and passes them as `top`;
// the series must then be exactly those it would have found itself: the same values, ranked
// alike (ties broken by key), NULL (ICMP's ports) among them when it ranks, the rest as other.
describe('timeSeries with its series known', () => {
  const base = FLOWS[0] as TestFlow;
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(() => store.close());
  const rows = (node: SqlNode) => store.query(node);
  // few ports, so values tie and NULL ranks; metrics small, so sums tie
  const flowArb = fc.record({
    srcport: fc.constantFrom(null, 22, 443, 40000, 50000),
    dstport: fc.constantFrom(null, 22, 443, 3389, 40000, 50000),
    vpc: fc.constantFrom('vpc-a', 'vpc-b', 'vpc-c', null),
    minute: fc.integer({ min: 0, max: 179 }),
    bytes: fc.integer({ min: 1, max: 4 }),
    packets: fc.integer({ min: 1, max: 3 }),
    action: fc.constantFrom('ACCEPT', 'REJECT'),
  });
  const queryArb = fc.record({
    dimension: fc.constantFrom('dstport', 'srcport', 'service', 'protocol', 'vpc_id'),
    by: fc.constantFrom<Metric>('bytes', 'packets', 'flows'),
    limit: fc.integer({ min: 1, max: 5 }),
    step: fc.constantFrom(300, 3600),
    filtered: fc.boolean(),
  });

  it('answers exactly what it answers when it finds the series itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(flowArb, { minLength: 1, maxLength: 60 }), queryArb, async (flows, q) => {
        await store.load(
          flows.map((f, i) => ({
            ...base,
            rid: i + 1,
            srcport: f.srcport,
            dstport: f.dstport,
            protocol: f.srcport === null || f.dstport === null ? 1 : 6,
            vpc_id: f.vpc,
            start: T0 + f.minute * 60,
            end: T0 + f.minute * 60 + 60,
            bytes: f.bytes,
            packets: f.packets,
            action: f.action,
          })),
        );
        const range = { since: T0, until: T0 + 3 * 3600 };
        const where = q.filtered ? { where: filterToSql('action accept') } : {};
        const plain = { dimension: q.dimension, by: q.by, step: q.step, limit: q.limit, range, ...where };
        const top = await rows(
          topTalkers({ dimensions: [q.dimension], by: q.by, limit: q.limit, range, keys: true, ...where }),
        );
        const known = top.filter((r) => r.other !== true).map((r) => r[keyName(0, 0)] as number | null);
        const want = await rows(timeSeries(plain));
        expect(await rows(timeSeries({ ...plain, top: known }))).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});
