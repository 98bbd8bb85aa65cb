// timeSeries on hand-made flows: buckets, the top-N series, the "other" series, and that every
// bucket's series add up to the traffic in it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, T0 } from '../../test/support/test-flows.js';
import { createTestStore, type TestStore } from '../../test/support/test-store.js';
import { filterToSql } from '../filter/index.js';
import type { SqlNode } from '../sql/index.js';
import { timeSeries, totals } from './index.js';

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
    expect(() => timeSeries({ dimension: 'action', by: 'flows', step: 0.5, limit: 5 })).toThrow(
      /whole number/,
    );
  });
});
