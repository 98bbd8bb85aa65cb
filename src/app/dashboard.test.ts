// The dashboard with the example policy on the run's demo store: segment dimensions (derived from
// address groups) agree with the policy's own per-flow segment expression, the matrix is coloured
// by what the check found, and findings carry filters that select their flows.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sankey, timeSeries, topTalkers } from '../analyses/index.js';
import type { Truth } from '../demo/index.js';
import { DuckdbEngine } from '../engine/index.js';
import { segmentExpr } from '../policy/index.js';
import { loadPolicy } from './check.js';
import { label } from './dashboard-labels.js';
import { type Dashboard, openDashboard } from './index.js';

const POLICY = resolve(import.meta.dirname, '../../examples/platform/policy.yaml');
const range = { last: '24h' } as const;
let d: Dashboard;
beforeAll(async () => {
  d = await openDashboard({
    db: inject('demoDb'),
    policy: POLICY,
    now: () => new Date('2026-12-01T00:00:00Z'),
  });
});
afterAll(() => d.close());

describe('the dashboard with a policy', () => {
  it('offers segment dimensions and columns, and names the policy', () => {
    const m = d.meta();
    expect(m.policy?.segments).toContain('laa-production/private');
    expect(m.dimensions.slice(0, 2)).toEqual(['src_segment', 'dst_segment']);
    expect(m.overviewTop).toEqual(['src_segment', 'dst_segment', 'dstport']);
    expect(m.defaultColumns).toEqual(expect.arrayContaining(['src_segment', 'dst_segment']));
  });

  it('groups by segment exactly as the policy assigns each flow (derived from address groups)', async () => {
    const o = await d.overview({
      range,
      dimension: 'action',
      by: 'bytes',
      limit: 5,
      top: d.meta().overviewTop,
    });
    const shown = o.top.find((t) => t.dimension === 'src_segment')?.rows.filter((r) => !r.other);
    const engine = await DuckdbEngine.open({ path: inject('demoDb'), readOnly: true });
    try {
      const perFlow = {
        name: 'seg',
        keys: [segmentExpr(loadPolicy(POLICY), 'src')],
        display: (k: (i: number) => never) => k(0),
      };
      const want = await engine.query(topTalkers({ dimensions: [perFlow], by: 'bytes', limit: 10 }));
      expect(shown?.map((r) => [r.label, r.value])).toEqual(
        want.rows.filter((r) => r.other === false).map((r) => [r.seg, Number(r.bytes)]),
      );
    } finally {
      await engine.close();
    }
  });

  // the overview finds a port's series first (from its top table, or one query of its own) and
  // stacks flows by rank; the series must be those the time series finds on its own
  it.each([
    ['dstport', ['dstport', 'protocol']],
    ['service', ['src_segment']],
    ['srcport', []],
    ['protocol', ['protocol']],
  ] as const)(
    'stacks by %s with the series the time series alone finds (top tables %j)',
    async (dim, top) => {
      const o = await d.overview({ range, dimension: dim, by: 'packets', limit: 4, top });
      const engine = await DuckdbEngine.open({ path: inject('demoDb'), readOnly: true });
      try {
        const { since, until, step } = o.range;
        const want = await engine.query(
          timeSeries({ dimension: dim, by: 'packets', step, limit: 4, range: { since, until } }),
        );
        const totals = new Map<string, number>();
        for (const r of want.rows) {
          const name = r.other === true ? 'Other' : label(dim, r.series);
          totals.set(name, (totals.get(name) ?? 0) + Number(r.packets));
        }
        expect(totals.size).toBe(dim === 'protocol' ? 2 : 5); // the demo has TCP and UDP only
        const got = o.series.map((x) => [x.name, x.values.reduce((a, b) => a + b, 0)]);
        expect(got).toEqual([...totals]);
      } finally {
        await engine.close();
      }
    },
  );

  it('draws a sankey through ports (their values found first) as the sankey alone finds it', async () => {
    const dims = ['src_segment', 'dstport', 'service'];
    const s = await d.sankey({ range, dimensions: dims, by: 'bytes', limit: 6 });
    const engine = await DuckdbEngine.open({ path: inject('demoDb'), readOnly: true });
    try {
      const { since, until } = s.range;
      const segment = {
        name: 'src_segment',
        keys: [segmentExpr(loadPolicy(POLICY), 'src')],
        display: (k: (i: number) => never) => k(0),
      };
      const want = await engine.query(
        sankey({
          dimensions: [segment, 'dstport', 'service'],
          by: 'bytes',
          limit: 6,
          range: { since, until },
        }),
      );
      const links = new Map<string, number>();
      for (const r of want.rows) {
        const [a, b] = ['dstport', 'service'].map((n) =>
          r[`${n}_other`] === true ? 'Other' : label(n, r[n]),
        );
        links.set(`1:${a}->2:${b}`, (links.get(`1:${a}->2:${b}`) ?? 0) + Number(r.bytes));
      }
      const got = new Map(
        s.links.filter((l) => l.source.startsWith('1:')).map((l) => [`${l.source}->${l.target}`, l.value]),
      );
      expect(got.size).toBeGreaterThan(6);
      expect(got).toEqual(links);
    } finally {
      await engine.close();
    }
  });

  it('colours the matrix by the check: the planted east-west pair is a violation, scanner RDP a blocked attempt, the deciding rule first', async () => {
    const m = await d.matrix({ range, by: 'bytes', level: 'segment' });
    const cell = (from: string, to: string) => m.cells.find((c) => c.from === from && c.to === to);
    expect(cell('laa-production/private', 'hmpps-production/data')).toMatchObject({
      verdict: 'violation',
      policy: 'denied',
      rules: expect.arrayContaining(['east-west']),
    });
    expect(cell('laa-production/private', 'hmpps-production/data')?.rules[0]).toBe('east-west');
    expect(m.cells.filter((c) => c.verdict === 'violation')).toHaveLength(1);
    expect(m.cells.some((c) => c.verdict === 'blocked' && c.from === 'internet')).toBe(true);
    const top = await d.matrix({ range, by: 'flows', level: 'top' });
    expect(top.cells.find((c) => c.from === 'laa-production' && c.to === 'hmpps-production')?.verdict).toBe(
      'violation',
    );
    expect(top.from.length).toBeLessThan(m.from.length);
  });

  it("orders the matrix's rows and columns alike, in the policy's order, whatever the filter", async () => {
    const policy = loadPolicy(POLICY);
    for (const level of ['segment', 'top'] as const) {
      const all = await d.matrix({ range, by: 'bytes', level });
      const rejected = await d.matrix({ range, by: 'flows', level, filter: 'action reject' });
      for (const m of [all, rejected]) {
        expect(m.to).toEqual(m.from);
        const named = new Set(m.cells.flatMap((c) => [c.from, c.to]));
        expect(new Set(m.from)).toEqual(named);
        // the policy's order: each name at its first segment (a top level at its subtree's first)
        const first = (name: string) =>
          policy.segments.findIndex((s) => (level === 'top' ? s.name.split('/')[0] : s.name) === name);
        const ranks = m.from.filter((n) => first(n) >= 0).map(first);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        expect(m.from.slice(ranks.length).every((n) => first(n) < 0)).toBe(true);
      }
      // a filter drops segments, it never moves the others
      expect(rejected.from).toEqual(all.from.filter((n) => rejected.from.includes(n)));
    }
  });

  it("lists the generator's planted findings; a violation's explore filter selects its connection's flows", async () => {
    const truth = JSON.parse(readFileSync(join(inject('demoDir'), 'truth.json'), 'utf8')) as Truth;
    const f = await d.findings({ range });
    for (const v of truth.violations)
      expect(Object.keys(f.summary)).toContain(v.kind === 'missing' ? 'health' : v.kind);
    const violation = f.findings.find((x) => x.kind === 'violation');
    expect(violation?.explore?.filter).toMatch(
      /^proto tcp and \(\(src host .* and dst port 1521\) or \(.* and src port 1521\)\)$/,
    );
    const { filter, since, until } = violation?.explore ?? { filter: '', since: 0, until: 0 };
    const flows = await d.flows({
      range: { since, until },
      filter,
      columns: ['srcport', 'dstport', 'src_segment', 'dst_segment'],
      limit: 1000,
      offset: 0,
    });
    expect(flows.rows.length).toBeGreaterThan(0);
    for (const [sp, dp, s, t] of flows.rows) {
      expect(sp === 1521 || dp === 1521).toBe(true);
      expect([s, t].sort()).toEqual(['hmpps-production/data', 'laa-production/private']);
    }
  });

  it('judges silences only where the store has data: the 20 h before a 4 h store are no finding', async () => {
    const f = await d.findings({ range });
    const stopped = f.findings.filter((x) => x.kind === 'stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]?.rule).toBe('production-attachments');
  });
});
