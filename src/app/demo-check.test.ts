// The bar of issue 4: on the demo data, for any seed, the example policy finds every planted
// violation with the right rule and evidence, and nothing else (stopped flows and flow-log
// health included). A few seeds at a small size, through the real generator, ingest and engine.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/cli.js';
import type { Finding } from '../policy/index.js';
import { runDemo } from './demo.js';
import { checkDemo, compareWithTruth, EXAMPLE_RULES } from './demo-check.js';

const show = (f: Finding) => `${f.kind} ${f.rule}: ${f.title}`;

describe.each([1, 2, 7, 20261102])('the example policy on the demo (seed %i)', (seed) => {
  it('finds each planted violation with its rule, flows, bytes and endpoints, and nothing else', async () => {
    const out = join(tempDir('flowsight-check-'), 'demo');
    const db = join(out, 'demo.duckdb');
    const demo = await runDemo({ db }, { out, options: { seed, hours: 3, flows: 40_000 } });
    expect(demo.mismatches).toEqual([]);
    const { result, comparison } = await checkDemo(db, demo.truth, new Date('2026-11-02T00:00:00Z'));
    expect(comparison.missed).toEqual([]);
    expect(comparison.extra.map(show)).toEqual([]);
    expect(comparison.found.map((x) => [x.id, x.finding.rule])).toEqual(
      demo.truth.violations.map((v) => [v.id, EXAMPLE_RULES[v.id]]),
    );
    expect(result.summary.pass).toBe(false);
    expect(result.summary.byKind).toEqual({
      violation: 1,
      blocked: 3,
      stopped: 1,
      dropped: 1,
      'tgw-loss': 1,
      health: 2,
    });
    const east = comparison.found.find((x) => x.id === 2)?.finding;
    expect(east?.evidence.length).toBe(5);
    expect(east?.evidence.every((e) => e.action === 'ACCEPT' || e.kind === 'tgw')).toBe(true);
  }, 60_000);
});

describe('compareWithTruth', () => {
  it('reports a planted violation it cannot find and a finding nothing planted', () => {
    const truth = {
      violations: [
        {
          id: 9,
          title: 'yjb-production has no flow log',
          kind: 'missing',
          from: 'yjb-production',
          to: null,
          src: null,
          dst: null,
          protocol: null,
          port: null,
        },
      ],
    } as never;
    const stray: Finding = {
      kind: 'violation',
      rule: 'east-west',
      severity: 'high',
      title: 'x',
      from: 'a',
      to: 'b',
      protocol: 6,
      port: 1,
      firstSeen: null,
      lastSeen: null,
      flows: 1,
      bytes: 1,
      evidence: [],
    };
    const c = compareWithTruth([stray], truth);
    expect(c.agrees).toBe(false);
    expect(c.missed).toEqual([
      { id: 9, title: 'yjb-production has no flow log', why: 'no flow-log-missing finding' },
    ]);
    expect(c.extra).toEqual([stray]);
  });
});
