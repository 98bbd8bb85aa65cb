// What a loaded policy adds to the dashboard: segment dimensions (the most specific segment of
// each side's effective address, or its top-level segment) and the policy check per range, run
// on the dashboard's own engine, one at a time (it stages flows in a temporary table), and kept:
// the store cannot change while the server holds it.

import type { Dimension } from '../analyses/index.js';
import { dimension } from '../analyses/index.js';
import type { QueryResult } from '../engine/index.js';
import {
  type CheckResult,
  effectiveAddress,
  evaluateCheck,
  type Policy,
  segmentCode,
  segmentExpr,
} from '../policy/index.js';
import { join, raw, type SqlNode, sql, value } from '../sql/index.js';

export type Side = 'src' | 'dst';
export type Level = 'segment' | 'top';

/** A segment code -> the segment's name (NULL for 0: in no segment). */
function nameOf(policy: Policy, code: SqlNode): SqlNode {
  const byCode = [...policy.segments].sort((a, b) => a.code - b.code);
  return sql`(CASE WHEN ${code} > 0 THEN [${join(byCode.map((s) => value(s.name, 'text')))}][${code}] END)`;
}

/** A segment code -> the code of its top-level segment (`laa-production/private` -> `laa-production`). */
function topOf(policy: Policy, code: SqlNode): SqlNode {
  const byName = new Map(policy.segments.map((s) => [s.name, s.code]));
  const byCode = [...policy.segments].sort((a, b) => a.code - b.code);
  const tops = byCode.map((s) => raw(String(byName.get(s.name.split('/')[0] as string) ?? s.code)));
  return sql`(CASE WHEN ${code} > 0 THEN [${join(tops)}][${code}] ELSE 0 END)`;
}

/** Segments named by interface, subnet, VPC or account ids are judged per flow, not per address. */
const byIds = (policy: Policy): boolean =>
  policy.segments.some((s) => Object.values(s.ids).some((ids) => ids.length > 0));

/**
 * The segment of one side, as a dimension. Without id members a segment depends on the address
 * alone, so it is derived from the address groups (the mapping runs once per address, not per flow).
 */
export function segmentDimension(policy: Policy, side: Side, level: Level = 'segment'): Dimension {
  const name = level === 'top' ? `${side}_segment_top` : `${side}_segment`;
  const lift = (code: SqlNode) => (level === 'top' ? topOf(policy, code) : code);
  const display = (k: (i: number) => SqlNode) => nameOf(policy, k(0));
  if (byIds(policy))
    return { name, keys: [lift(segmentCode(policy, effectiveAddress(side), side))], display };
  const base = dimension(side);
  const map = (k: (j: number) => SqlNode) => lift(segmentCode(policy, { v4: k(0), v6: k(1) }, side));
  return { name, keys: [map((j) => base.keys[j] as SqlNode)], display, derive: { base, map } };
}

/** Columns the flows explorer can show with a policy: each side's segment, computed on the shown flows. */
export function segmentColumns(policy: Policy): Readonly<Record<string, SqlNode>> {
  return { src_segment: segmentExpr(policy, 'src'), dst_segment: segmentExpr(policy, 'dst') };
}

export interface Checks {
  /** the check over [since, until), run once per range and kept */
  get(since: number, until: number): Promise<CheckResult>;
}

const KEPT = 8;

/** The store's span, epoch seconds: the check judges silences only where the store has data. */
export interface Span {
  readonly first: number | undefined;
  readonly last: number | undefined;
}

/** Where checks wait their turn: one at a time on a connection (they share its temporary tables). */
export interface CheckLane {
  tail: Promise<unknown>;
}

export function policyChecks(
  policy: Policy,
  run: (node: SqlNode) => Promise<QueryResult>,
  now: () => Date,
  span: Span,
  lane: CheckLane = { tail: Promise.resolve() },
): Checks {
  const done = new Map<string, Promise<CheckResult>>();
  return {
    get(asked, before) {
      // "the last 24 h" of a 4 h store: 20 h without records are not 20 h of silence
      const since = span.first === undefined ? asked : Math.max(asked, span.first);
      const until = span.last === undefined ? before : Math.max(since + 1, Math.min(before, span.last + 1));
      const key = `${since}:${until}`;
      const hit = done.get(key);
      if (hit !== undefined) return hit;
      const req = { since, until, now: Math.floor(now().getTime() / 1000) };
      const p = lane.tail.then(() => evaluateCheck(policy, req, async (node) => (await run(node)).rows));
      lane.tail = p.catch(() => undefined);
      done.set(key, p);
      p.catch(() => done.delete(key)); // a failed check (a timeout) is tried again next time
      if (done.size > KEPT) done.delete(done.keys().next().value as string);
      return p;
    },
  };
}
