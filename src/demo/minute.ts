// One aggregation minute of the whole platform: the planted violations, the heartbeats that
// must never stop (SSM agents, production AD lookups, a trickle out of each egress VPC), then
// background conversations until the run's volume curve is met, then NODATA/SKIPDATA lines.

import {
  appToDb,
  KINDS,
  type Minute,
  toCoreService,
  toDomainControllers,
  toEndpoint,
  toInternetAllowed,
} from './background.js';
import type { Collector } from './collector.js';
import { UDP } from './conversation.js';
import type { Plan } from './plan.js';
import type { Rng } from './prng.js';
import type { Eni, FlowLog, Topology, Vpc } from './topology.js';
import { plantMinute } from './violations.js';

const KIND_TOTAL = KINDS.reduce((s, k) => s + k.weight, 0);

function pickKind(rng: Rng): (typeof KINDS)[number] {
  let r = rng.next() * KIND_TOTAL;
  for (const k of KINDS) {
    r -= k.weight;
    if (r < 0) return k;
  }
  return KINDS[0] as (typeof KINDS)[number];
}

/** Weighted choice: `cumulative` is the running sum of the weights of `items`. */
export function pickWeighted<T>(rng: Rng, items: readonly T[], cumulative: readonly number[]): T {
  const r = rng.next() * (cumulative[cumulative.length - 1] as number);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > r) hi = mid;
    else lo = mid + 1;
  }
  return items[lo] as T;
}

/**
 * Traffic the platform always has: silence here is a finding, so only the plan may cause it.
 * The always-on host's SSM agent calls its endpoints every minute (every 5 while the rest of a
 * non-production estate sleeps); production reaches its DCs every minute; each class's egress
 * VPC carries traffic every minute and its log collectors hear from it every 5.
 */
function heartbeats(m: Minute, members: readonly Vpc[], index: number): void {
  for (const v of members) if (m.awake(v) || index % 5 === 0) toEndpoint(m, v, v.byRole.app[0] as Eni);
  for (const v of members) {
    if (v.env === 'production' && m.crosses(v)) toDomainControllers(m, v, v.byRole.app[0] as Eni, [UDP, 53]);
  }
  for (const cls of ['live', 'non-live'] as const) {
    const v = m.rng.pick(members.filter((x) => x.cls === cls && m.crosses(x)));
    toInternetAllowed(m, v, v.byRole.app[0] as Eni);
    if (cls === 'non-live') toDomainControllers(m, v, v.byRole.app[0] as Eni, [UDP, 53]);
    if (index % 5 === 0) toCoreService(m, v, 'logging', v.byRole.app[0] as Eni);
  }
}

function noData(
  rng: Rng,
  c: Collector,
  eni: Eni,
  window: number,
  status: 'NODATA' | 'SKIPDATA',
  planted: number,
): void {
  c.write(
    { kind: 'vpc', eni, status, start: window + rng.int(0, 3), end: window + rng.int(56, 59) },
    planted,
  );
}

/** ~1% NODATA on idle interfaces, ~0.1% SKIPDATA on busy ones; the degraded log's window. */
function coverage(m: Minute, c: Collector, vpcs: readonly Vpc[], records: number): void {
  const { rng, window } = m;
  const stochastic = (x: number): number => Math.floor(x) + (rng.chance(x - Math.floor(x)) ? 1 : 0);
  for (const v of vpcs) {
    const log = v.log as FlowLog;
    if (c.degraded(log) !== 'window') continue;
    const dropped = [...c.dropped()].filter((e) => e.log === log).slice(0, 3);
    for (const e of dropped) noData(rng, c, e, window, 'SKIPDATA', 7);
    noData(rng, c, rng.pick(v.enis.filter((e) => !c.dropped().has(e))), window, 'NODATA', 7);
  }
  const healthy = vpcs.filter((v) => c.degraded(v.log as FlowLog) === null);
  for (let n = stochastic(records * 0.01); n > 0; n--) {
    const v = rng.pick(healthy);
    const used = c.used(v.log as FlowLog);
    const idle = v.enis.filter((e) => !used.has(e));
    if (idle.length > 0) noData(rng, c, rng.pick(idle), window, 'NODATA', 0);
  }
  for (let n = stochastic(records * 0.001); n > 0; n--) {
    const v = rng.pick(healthy);
    const busy = [...c.used(v.log as FlowLog)];
    if (busy.length > 0) noData(rng, c, rng.pick(busy), window, 'SKIPDATA', 0);
  }
}

export interface MinuteRun {
  readonly topo: Topology;
  readonly plan: Plan;
  readonly collector: Collector;
  /** flow-logged member VPCs, and the cumulative weights to pick one by at this hour */
  readonly members: readonly Vpc[];
  readonly weights: readonly number[];
  /** every VPC with a flow log (members and core) */
  readonly logged: readonly Vpc[];
}

/** Runs minute `index`; `target` is the cumulative number of routed records to reach. */
export function runMinute(run: MinuteRun, m: Minute, index: number, target: number): void {
  const c = run.collector;
  c.minute(index);
  const before = c.routed;
  plantMinute(m, run.plan, index, (id) => c.sinks[id] as (typeof c.sinks)[number]);
  heartbeats(m, run.members, index);
  while (c.routed < target) {
    const kind = pickKind(m.rng);
    const vpc = pickWeighted(m.rng, run.members, run.weights);
    if (kind.crosses && !m.crosses(vpc)) appToDb(m, vpc);
    else kind.run(m, vpc);
  }
  coverage(m, c, run.logged, c.routed - before);
}
