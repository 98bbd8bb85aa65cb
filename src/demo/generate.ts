// generateDemo: the pure generator. Options -> topology and plan -> for each file period, every
// minute's records -> one file per flow log, yielded as soon as the period is done (memory is
// bounded by one period). The generator's return value is the truth. No I/O, no clock.

import { UserError } from '../errors.js';
import type { Minute } from './background.js';
import { type Collector, createCollector } from './collector.js';
import { activity, isAwake } from './conversation.js';
import { type MinuteRun, runMinute } from './minute.js';
import { inSpan, type Plan, planViolations } from './plan.js';
import { type DemoFormat, MEMBERS, memberTiers, platformSegments, REGION } from './platform.js';
import { createRng, hash32 } from './prng.js';
import { createTally, type Tally } from './tally.js';
import { buildTopology, type FlowLog, type Topology, type Vpc } from './topology.js';
import { iso, type Truth, type TruthViolation } from './truth.js';
import { describeViolations } from './violations.js';

export interface DemoOptions {
  readonly seed: number;
  /** hours of traffic, 2..744 (default 24) */
  readonly hours?: number;
  /** approximate total records, >= 200 a minute (default 1 000 000) */
  readonly flows?: number;
  /** first minute (UTC); default 2026-11-02T00:00:00Z, a Monday */
  readonly start?: Date;
}

export interface DemoFile {
  /** S3-style key relative to the output folder, ending .log.gz */
  readonly key: string;
  readonly format: DemoFormat;
  /** the file's content (ASCII): the header line, then `records` lines, each ending in a newline */
  readonly text: Uint8Array;
  readonly records: number;
}

export const DEFAULT_START = new Date('2026-11-02T00:00:00Z');
/** Fewer records a minute than this would be all heartbeats and no background. */
export const MIN_PER_MINUTE = 200;

interface Resolved {
  readonly seed: number;
  readonly hours: number;
  readonly flows: number;
  readonly start: number;
}

function resolve(o: DemoOptions): Resolved {
  const hours = o.hours ?? 24;
  const flows = o.flows ?? 1_000_000;
  const start = o.start ?? DEFAULT_START;
  const bad = (what: string, hint: string) => new UserError('demo.invalid', what, { hint });
  if (!Number.isSafeInteger(o.seed))
    throw bad(`seed ${o.seed} is not an integer`, 'pass --seed with a whole number, e.g. --seed 42');
  if (!Number.isInteger(hours) || hours < 2 || hours > 744)
    throw bad(`hours ${hours} is outside 2..744`, 'the planted violations need at least 2 hours');
  const floor = hours * 60 * MIN_PER_MINUTE;
  if (!Number.isInteger(flows) || flows < floor || flows > 50_000_000)
    throw bad(
      `flows ${flows} is outside ${floor}..50000000 for ${hours} hours`,
      `the platform's heartbeats alone write ~150 records a minute: ask for at least ${MIN_PER_MINUTE} a minute`,
    );
  if (Number.isNaN(start.getTime()))
    throw bad('the start time is not a valid date', 'give an ISO-8601 time such as 2026-11-02T00:00:00Z');
  return { seed: o.seed, hours, flows, start: Math.floor(start.getTime() / 60000) * 60 };
}

/** 5-minute files when each would still hold ~2k+ lines, else hourly ones. */
function fileMinutes(r: Resolved, logs: number): number {
  return r.flows / (r.hours * 12 * logs) >= 2000 ? 5 : 60;
}

export function objectKey(seed: number, log: FlowLog, periodStart: number): string {
  const d = new Date(periodStart * 1000).toISOString();
  const [yyyy, mm, dd, hh, mi] = [
    d.slice(0, 4),
    d.slice(5, 7),
    d.slice(8, 10),
    d.slice(11, 13),
    d.slice(14, 16),
  ];
  const hash = hash32(`${seed}/${log.id}/${periodStart}`).toString(16).padStart(8, '0');
  const name = `${log.account}_vpcflowlogs_${REGION}_${log.id}_${yyyy}${mm}${dd}T${hh}${mi}Z_${hash}.log.gz`;
  return `AWSLogs/${log.account}/vpcflowlogs/${REGION}/${yyyy}/${mm}/${dd}/${hh}/${name}`;
}

/** Per hour: cumulative VPC weights (size x activity) and the hour's total. */
function volumeCurve(r: Resolved, members: readonly Vpc[]): { cumulative: number[][]; totals: number[] } {
  const rng = createRng(r.seed, 'volume');
  const size = members.map(
    (v) =>
      (v.env === 'production' ? rng.int(10, 25) : v.env === 'sandbox' ? rng.int(1, 2) : rng.int(3, 8)) / 10,
  );
  const cumulative: number[][] = [];
  const totals: number[] = [];
  for (let h = 0; h < r.hours; h++) {
    const at = new Date((r.start + h * 3600) * 1000);
    const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
    let sum = 0;
    cumulative.push(
      members.map((v, i) => (sum += (size[i] as number) * activity(v.env, at.getUTCHours(), weekend))),
    );
    totals.push(sum);
  }
  return { cumulative, totals };
}

interface Run {
  readonly r: Resolved;
  readonly topo: Topology;
  readonly plan: Plan;
  readonly tally: Tally;
  readonly collector: Collector;
  /** minutes per file */
  readonly period: number;
  /** the minute's context, its run settings and the cumulative record target to reach */
  minute(i: number): { readonly m: Minute; readonly run: MinuteRun; readonly target: number };
}

function setUp(r: Resolved): Run {
  const topo = buildTopology(r.seed);
  const plan = planViolations(r.seed, topo, r.hours * 60);
  const tally = createTally();
  const collector = createCollector(topo, plan, tally);
  const members = topo.members.filter((v) => v.log !== null);
  const logged = [...members, ...Object.values(topo.core).filter((v) => v.log !== null)];
  const curve = volumeCurve(r, members);
  // the run's record target grows minute by minute with the activity curve
  const before: number[] = [];
  let grand = 0;
  for (const t of curve.totals) {
    before.push(grand);
    grand += t * 60;
  }
  const rng = createRng(r.seed, 'traffic');
  const silent = plan.silence;
  return {
    ...{ r, topo, plan, tally, collector, period: fileMinutes(r, topo.logs.length) },
    minute(i) {
      const hour = Math.floor(i / 60);
      const window = r.start + i * 60;
      const at = new Date(window * 1000);
      const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
      const m: Minute = {
        ...{ rng, topo, sink: collector.sinks[0] as Minute['sink'], window },
        crosses: (v) => v !== silent.vpc || !inSpan(silent.at, i),
        awake: (v) => isAwake(v.env, at.getUTCHours(), weekend),
      };
      const run = { topo, plan, collector, members, logged, weights: curve.cumulative[hour] as number[] };
      const done = (before[hour] as number) + (curve.totals[hour] as number) * ((i % 60) + 1);
      return { m, run, target: (r.flows * done) / grand };
    },
  };
}

/** The demo's files, one period at a time; returns the truth once every file has been yielded. */
export function* generateDemo(options: DemoOptions): Generator<DemoFile, Truth, undefined> {
  const run = setUp(resolve(options));
  const { r, topo, collector, period } = run;
  for (let p = 0; p < r.hours * 60; p += period) {
    const keys = topo.logs.map((log) => objectKey(r.seed, log, r.start + p * 60));
    collector.period(keys);
    for (let i = p; i < p + period; i++) {
      const { m, run: settings, target } = run.minute(i);
      runMinute(settings, m, i, target);
    }
    const drained = collector.drain();
    for (const log of topo.logs) {
      const file = drained[log.index];
      if (file === null || file === undefined) continue;
      const key = keys[log.index] as string;
      run.tally.file(key, log.format, file.records);
      yield { key, format: log.format, text: file.text, records: file.records };
    }
  }
  return truthOf(run, collector.silenceEvidence());
}

function truthOf({ r, topo, plan, tally }: Run, silenceEvidence: TruthViolation['evidence']): Truth {
  const at = (minute: number) => iso(r.start + minute * 60);
  const span = (s: { from: number; to: number }) => ({ from: at(s.from), to: at(s.to) });
  const extra: Record<number, Partial<TruthViolation>> = {
    6: { window: span(plan.silence.at), resource: plan.silence.vpc.attachment.id, evidence: silenceEvidence },
    7: { window: span(plan.degraded.window), gap: span(plan.degraded.gap), resource: plan.degraded.log.id },
    9: { resource: plan.missing.vpcId },
  };
  const violations = describeViolations(plan, topo).map((d) => ({
    ...d,
    ...tally.stat(d.id),
    ...extra[d.id],
  }));
  const tiers = Object.fromEntries(MEMBERS.map((v) => [v.name, memberTiers(v.cidr)]));
  return {
    generator: {
      seed: r.seed,
      hours: r.hours,
      flows: r.flows,
      start: iso(r.start),
      end: iso(r.start + r.hours * 3600),
      fileMinutes: fileMinutes(r, topo.logs.length),
    },
    totals: tally.totals(),
    files: tally.files(),
    topSources: tally.topSources(10),
    violations,
    segments: platformSegments(),
    tiers,
    accounts: topo.accounts,
    flowLogs: topo.logs.map((l) => ({ id: l.id, account: l.account, vpc: l.vpc, format: l.format })),
  };
}

/** A file's lines as text, header first (for tests and small consumers; the demo itself stays in bytes). */
export function demoLines(file: DemoFile): string[] {
  const text = Buffer.from(file.text.buffer, file.text.byteOffset, file.text.byteLength).toString('latin1');
  return text.slice(0, -1).split('\n');
}
