// examples/platform/policy.yaml and the environments-networks files it imports describe the
// demo platform exactly: the same VPCs, tiers, core VPCs and networks outside.

import { describe, expect, it } from 'vitest';
import { runDemo } from '../../test/support/demo.js';
import { loadPolicy } from './check.js';
import { EXAMPLE_POLICY } from './demo-check.js';

describe('the example policy', () => {
  const policy = loadPolicy(EXAMPLE_POLICY);
  const { truth } = runDemo({ seed: 5, hours: 2, flows: 24_000 });
  const cidrs = (name: string) => policy.segments.find((s) => s.name === name)?.cidrs.map((c) => c.text);

  it('imports every member VPC of the demo with its range and its tiers', () => {
    for (const [vpc, tiers] of Object.entries(truth.tiers)) {
      expect(cidrs(vpc)).toEqual(truth.segments[vpc]);
      for (const [tier, blocks] of Object.entries(tiers))
        expect([vpc, tier, cidrs(`${vpc}/${tier}`)]).toEqual([vpc, tier, blocks]);
      const first = (truth.segments[vpc]?.[0] ?? '').split('/')[0]?.replace(/\.0$/, '.4');
      expect(cidrs(`${vpc}/private/bastion`)).toEqual([`${first}/32`]);
    }
    expect(
      policy.segments.filter((s) => s.origin === 'imported' && !s.name.includes('/')).map((s) => s.name),
    ).toEqual([...Object.keys(truth.tiers), 'members'].sort());
  });

  it('declares every other segment of the demo with the same blocks', () => {
    for (const [name, blocks] of Object.entries(truth.segments)) {
      if (name === 'internet' || name in truth.tiers) continue;
      expect([name, cidrs(name)]).toEqual([name, blocks]);
    }
  });

  it('covers the ten points of intended state', () => {
    const points = [...policy.rules, ...policy.expectations].map((r) =>
      Number(/^(\d+)\./.exec(r.description)?.[1]),
    );
    expect(new Set(points.filter((p) => !Number.isNaN(p)))).toEqual(new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]));
    // point 1 (inside one VPC anything may talk) is what no rule says: east-west denies only `across` VPCs,
    // and the rules on tiers allow `within` them
    expect(policy.rules.find((r) => r.name === 'east-west')).toMatchObject({
      kind: 'deny',
      match: { scope: 'across' },
    });
    expect(policy.rules.find((r) => r.name === 'endpoints-from-own-vpc')).toMatchObject({
      allow: [{ scope: 'within' }],
    });
    expect(policy.health?.gap).toBe(900);
  });
});
