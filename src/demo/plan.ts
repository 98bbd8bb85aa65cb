// Who, where and when for the planted violations #1..#9 (platform-model.md "Violations worth
// showing"), drawn per seed from the 'violations' stream and placed on the run's timeline so
// that the ones that must not overlap (#1/#2 before #6's silence) never do.

import { block, ipText, memberTiers } from './platform.js';
import { createRng, type Rng } from './prng.js';
import type { Eni, FlowLog, Topology, Vpc } from './topology.js';

/** Minutes from the start, [from, to). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

export interface Plan {
  readonly eastWest: {
    readonly client: Eni;
    readonly server: Eni;
    readonly from: Vpc;
    readonly to: Vpc;
    readonly reject: Span;
    readonly accept: Span;
  };
  readonly ssh: { readonly vpc: Vpc; readonly client: Eni; readonly at: Span };
  readonly blocked: { readonly vpc: Vpc; readonly client: Eni; readonly at: Span };
  readonly rdp: { readonly vpc: Vpc; readonly lb: Eni; readonly at: Span };
  readonly silence: { readonly vpc: Vpc; readonly at: Span };
  readonly degraded: { readonly vpc: Vpc; readonly log: FlowLog; readonly window: Span; readonly gap: Span };
  readonly noRoute: { readonly target: string; readonly at: Span };
  readonly missing: Vpc;
}

const byName = (t: Topology, name: string): Vpc => {
  const v = t.members.find((x) => x.name === name);
  if (v === undefined) throw new Error(`no member VPC ${name}`);
  return v;
};
const span = (from: number, length: number): Span => ({ from, to: from + length });
const frac = (rng: Rng, minutes: number, lo: number, hi: number): number =>
  rng.int(Math.floor(lo * minutes), Math.floor(hi * minutes));

/** Who, where and when, for a seed and a run of `minutes` (>= 120). */
export function planViolations(seed: number, topo: Topology, minutes: number): Plan {
  const rng = createRng(seed, 'violations');
  const laa = byName(topo, 'laa-production');
  const hmpps = byName(topo, 'hmpps-production');
  const logged = topo.members.filter((v) => v.log !== null);
  const rejectFrom = frac(rng, minutes, 0.1, 0.2);
  const rejectLen = rng.int(10, Math.max(10, Math.min(30, Math.floor(0.1 * minutes))));
  const acceptFrom = rejectFrom + rejectLen + rng.int(5, Math.max(5, Math.floor(0.1 * minutes)));
  const eastWest = {
    client: rng.pick(laa.byRole.app.filter((a) => a.alwaysOn)),
    server: hmpps.byRole.db.find((d) => d.port === 1521) as Eni,
    from: laa,
    to: hmpps,
    reject: span(rejectFrom, rejectLen),
    accept: span(acceptFrom, rng.int(10, Math.max(10, Math.floor(0.15 * minutes)))),
  };
  const sshVpc = rng.pick(logged.filter((v) => !v.name.startsWith('laa-') && v !== hmpps));
  // #4 needs pkt-dstaddr to show the blocked address at the TGW ENI: a 29-field log
  const blockedVpc = rng.pick(
    logged.filter((v) => v !== laa && v !== hmpps && v.log?.format === 'vpc-custom-29'),
  );
  const rdpVpc = rng.pick(logged.filter((v) => v.env === 'production' && v !== hmpps));
  const used = new Set([laa, hmpps, sshVpc, blockedVpc, rdpVpc]);
  const degradedVpc = rng.pick(logged.filter((v) => !used.has(v)));
  const degradedFrom = frac(rng, minutes, 0.05, 0.95 - 50 / minutes);
  const house = memberTiers(byName(topo, 'house-sandbox').cidrs[0] as string);
  return {
    eastWest,
    ssh: {
      vpc: sshVpc,
      client: sshVpc.byRole.app[0] as Eni,
      at: span(frac(rng, minutes, 0.05, 0.9 - 10 / minutes), rng.int(5, 10)),
    },
    blocked: {
      vpc: blockedVpc,
      client: blockedVpc.byRole.app[0] as Eni,
      at: span(frac(rng, minutes, 0.05, 0.9 - 10 / minutes), rng.int(5, 10)),
    },
    rdp: {
      vpc: rdpVpc,
      lb: rng.pick(rdpVpc.byRole.lb),
      at: span(frac(rng, minutes, 0.05, 0.9 - 20 / minutes), 20),
    },
    silence: { vpc: hmpps, at: span(frac(rng, minutes, 0.55, 0.85 - 15 / minutes), 15) },
    degraded: {
      vpc: degradedVpc,
      log: degradedVpc.log as FlowLog,
      window: span(degradedFrom, 20),
      gap: span(degradedFrom + 20, 30),
    },
    noRoute: {
      target: pickIn(rng, house.private),
      at: span(frac(rng, minutes, 0.05, 0.9 - 10 / minutes), rng.int(5, 10)),
    },
    missing: byName(topo, 'yjb-production'),
  };
}

function pickIn(rng: Rng, cidrs: readonly string[]): string {
  const [first, size] = block(rng.pick(cidrs));
  return ipText(first + rng.int(4, size - 2));
}

/** Is the minute inside the span? */
export const inSpan = (s: Span, minute: number): boolean => minute >= s.from && minute < s.to;
