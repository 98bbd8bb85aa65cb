// The check as a short sequence of queries, and the one function that runs them in order with
// a query runner the caller passes in (the app's engine): the extent of the range; one pass
// over every flow into a temporary table of groups; the address map and the classified groups;
// then each kind of finding from those tables (and narrow passes for blocked attempts, TGW loss
// and evidence); then the dictionary text of the evidence.

import { STORE } from '../flow/index.js';
import { ident, join, raw, type SqlNode, sql, value } from '../sql/index.js';
import {
  DROPPED_TABLE,
  droppedConnectionsSql,
  droppedPortsSql,
  droppedSql,
  tgwLossSpanSql,
  tgwLossSql,
} from './check-builtin.js';
import { type CheckResult, checkResult } from './check-result.js';
import { FINDING_KEY, ruleEvidenceSql, ruleFindingsSql } from './check-rules.js';
import { type Bounds, expectationsSql, healthSql } from './check-silence.js';
import {
  EDGES_TABLE,
  edgesWhere,
  HOURS_VIEW,
  type HourSpan,
  hourlyFlowsSql,
  hourlyTable,
  hourRuns,
  inHoursSql,
  inSpan,
  judgesSingleFlows,
  mergedRuns,
  minutesOf,
  optionalKeys,
  SETS,
  STAGE_TABLE,
  type StageShape,
  stageSql,
  timeWhere,
  trafficKey,
  wholeHours,
} from './check-stage.js';
import { classifiedTrafficSql, TRAFFIC_TABLE } from './classify-groups.js';
import type { FindingKind } from './finding.js';
import type { Policy } from './model.js';
import { dictionaryIds, keyOf, num, type Row } from './result-rows.js';
import { expiryHours } from './rules-sql.js';
import { ADDRESS_TABLES, addressTableSql } from './segment-sql.js';

export interface CheckRequest {
  /** epoch seconds, inclusive; default: the first flow in the store */
  readonly since?: number;
  /** epoch seconds, exclusive; default: the last flow in the store (silences are judged up to it) */
  readonly until?: number;
  /** the clock, epoch seconds: which exceptions have expired by now */
  readonly now: number;
  /** finding kinds that fail the check (default: all but blocked) */
  readonly failOn?: readonly FindingKind[];
  /** read the whole hours of the range from the hourly table ingest keeps, where it is complete (default true) */
  readonly hourly?: boolean;
}

/** What the queries after the extent depend on: the stretch judged and the stage's shape. */
export type Plan = Bounds & StageShape;

export interface CheckQueries {
  /** flows, records, first start and last start in the range, and the flows in its whole hours */
  readonly extent: SqlNode;
  /** the flows per whole hour (only where the hourly table's total differs from the store's) */
  readonly flowsPerHour: SqlNode;
  /**
   * the last end and the IPv6 flows of the records the hourly table does not give (all of them
   * without a span; else the records not OK and those outside the span's covered hours)
   */
  extentRest(span: HourSpan | null): SqlNode;
  /** whether the store has the hourly table, then per hour of the range's whole hours its flows, last end and IPv6 rows */
  readonly hourlyExists: SqlNode;
  readonly hourlyFlows: SqlNode;
  /** the groups of every flow: creates the stage table (and the hourly rows it is made of) */
  stage(p: Plan): readonly SqlNode[];
  /** the address map (after the stage), then the classified traffic groups */
  classify(p: Plan): readonly SqlNode[];
  /** rule violations and blocked attempts (per source), from the classified groups */
  readonly rules: SqlNode;
  /** their evidence: a narrow pass over the flows on their ports (with `window`: each finding's first seconds only) */
  evidence(ruleRows: readonly Row[], window?: number): SqlNode | null;
  expectations(p: Plan): SqlNode | null;
  health(p: Plan): SqlNode | null;
  /** connections with unanswered SYNs (a temporary table), their ports and hours, then their flows */
  droppedConnections(p: Plan): SqlNode;
  readonly droppedPorts: SqlNode;
  dropped(p: Plan, dropped: readonly Row[]): SqlNode | null;
  readonly tgwLossSpan: SqlNode;
  /** null: no TGW record lost packets in the range */
  tgwLoss(span: Row): SqlNode | null;
  dictionary(ids: readonly number[]): SqlNode | null;
  readonly cleanup: readonly SqlNode[];
}

/** The address map's addresses: every address of the traffic groups (all judged flows) and of the interfaces. */
function addressesSql(
  policy: Policy,
  range: { since?: number; until?: number },
  p: Plan,
  family: 'v4' | 'v6',
): SqlNode {
  const stage = (set: number, col: string) =>
    sql`SELECT ${raw(col)} AS a FROM ${ident(set === SETS.traffic ? HOURS_VIEW : STAGE_TABLE)} WHERE grouping = ${raw(String(set))}`;
  const f = family.slice(1);
  const hop = optionalKeys(policy, range).hop ? [`h${f}`] : [];
  const grouped =
    p.v6 || family === 'v4' ? [`s${f}`, `d${f}`, ...hop].map((c) => stage(SETS.traffic, c)) : [];
  return addressTableSql(policy, family, join([...grouped, stage(SETS.interfaces, `cap${f}`)], '\nUNION\n'));
}

/**
 * The check's queries. `known`, the extent's first start and last end once run, lets exceptions
 * that expire outside the data be settled once instead of per flow.
 */
export function checkQueries(
  policy: Policy,
  req: CheckRequest,
  known?: { readonly first: number; readonly last: number },
): CheckQueries {
  const range = {
    ...(req.since === undefined ? {} : { since: req.since }),
    ...(req.until === undefined ? {} : { until: req.until }),
    ...known,
  };
  const v6 = raw(
    'srcaddr_v6 IS NOT NULL OR dstaddr_v6 IS NOT NULL OR pkt_srcaddr_v6 IS NOT NULL OR pkt_dstaddr_v6 IS NOT NULL',
  );
  return {
    extent: sql`SELECT count(*) FILTER (WHERE log_status = 'OK') AS flows, count(*) AS records,
  min(start) AS t_first, max(start) AS t_start, count(*) FILTER (WHERE log_status = 'OK' AND ${inHoursSql(wholeHours(range))}) AS hourly_flows
FROM ${ident(STORE.table)} WHERE ${timeWhere(range)}`,
    flowsPerHour: sql`SELECT start // 3600 AS hour, count(*) AS flows FROM ${ident(STORE.table)}
WHERE log_status = 'OK' AND ${timeWhere(range)} AND ${inHoursSql(wholeHours(range))} GROUP BY hour`,
    extentRest: (span) =>
      sql`SELECT max(coalesce("end", start)) AS t_last, count(*) FILTER (WHERE ${v6}) AS v6
FROM ${ident(STORE.table)} WHERE ${timeWhere(range)}${span === null ? raw('') : sql` AND (log_status <> 'OK' OR ${edgesWhere(range, span)})`}`,
    hourlyExists: hourlyTable.exists(),
    hourlyFlows: hourlyFlowsSql(wholeHours(range)),
    stage: (p) => stageSql(policy, range, p),
    classify: (p) => [
      addressesSql(policy, range, p, 'v4'),
      addressesSql(policy, range, p, 'v6'),
      classifiedTrafficSql(policy, range, p),
    ],
    rules: ruleFindingsSql(policy, range),
    evidence: (rows, window) => ruleEvidenceSql(policy, range, rows, window),
    expectations: (p) => expectationsSql(policy, p, trafficKey(policy, range, p)),
    health: (p) => healthSql(policy, p),
    droppedConnections: (p) => droppedConnectionsSql(trafficKey(policy, range, p)),
    droppedPorts: droppedPortsSql(),
    dropped: (_p, rows) =>
      droppedSql(
        policy,
        range,
        rows.map((r) => ({ port: num(r.port), firstHour: num(r.first_hour), lastHour: num(r.last_hour) })),
      ),
    tgwLossSpan: tgwLossSpanSql(range),
    tgwLoss: (span) =>
      span.first === null || span.first === undefined
        ? null
        : tgwLossSql(policy, range, { first: num(span.first), last: num(span.last) }),
    dictionary: (ids) =>
      ids.length === 0
        ? null
        : sql`SELECT id, value FROM ${ident(STORE.dict)} WHERE id IN (${join(ids.map((i) => value(i, 'u32')))})`,
    cleanup: [
      sql`DROP VIEW IF EXISTS ${ident(HOURS_VIEW)}`,
      ...[EDGES_TABLE, STAGE_TABLE, TRAFFIC_TABLE, DROPPED_TABLE, ...Object.values(ADDRESS_TABLES)].map(
        (t) => sql`DROP TABLE IF EXISTS ${ident(t)}`,
      ),
    ],
  };
}

/** Runs one query; the caller's engine. */
export type RunQuery = (node: SqlNode) => Promise<readonly Row[]>;

/** How far past its first flow a finding's evidence is looked for first (seconds). */
export const EVIDENCE_WINDOW = 900;

/**
 * Evidence rows for the rule findings: first from each finding's first EVIDENCE_WINDOW seconds,
 * which at 10 M flows reads a tenth of the store; a finding that shows fewer flows there than it
 * should (its first `n`, or all it has) is looked for again over its whole span. The first `n`
 * flows by start are the same either way, since every flow left out starts later.
 */
async function ruleEvidence(
  run: RunQuery,
  q: CheckQueries,
  rules: readonly Row[],
  n: number,
): Promise<readonly Row[]> {
  const first = await orNone(run, q.evidence(rules, EVIDENCE_WINDOW));
  const shown = new Map(first.map((e) => [keyOf(e, FINDING_KEY), e]));
  const short = rules.filter((r) => {
    const ev = shown.get(keyOf(r, FINDING_KEY))?.ev;
    return (Array.isArray(ev) ? ev.length : 0) < Math.min(n, num(r.flows));
  });
  if (short.length === 0) return first;
  const again = new Set(short.map((r) => keyOf(r, FINDING_KEY)));
  const rest = await orNone(run, q.evidence(short));
  return [...first.filter((e) => !again.has(keyOf(e, FINDING_KEY))), ...rest];
}

const orNone = async (run: RunQuery, node: SqlNode | null): Promise<readonly Row[]> =>
  node === null ? [] : run(node);

function planOf(req: CheckRequest, extent: Row, hourly: HourSpan | null): Plan {
  const at = (v: unknown) => (v === null || v === undefined ? undefined : num(v));
  const start = req.since ?? at(extent.t_first) ?? req.now;
  // past the last start too, where a record ends when it starts (or has no end): every flow's
  // minute lies inside the bitmaps
  const last = at(extent.t_last);
  const stop = last === undefined ? undefined : Math.max(last, num(extent.t_start) + 1);
  const horizon = Math.max(start, req.until ?? stop ?? start);
  return { start, horizon, minutes: minutesOf(start, horizon), v6: num(extent.v6) > 0, hourly };
}

/**
 * The whole hours the hourly table gives the flows of, or null: the range holds no whole hour,
 * the store has no such table, or it gives none of the range's flows. Hours where the table
 * does not hold the store's flows (ingest keeps rows only where they sum flows up; a store from
 * before the table has none) are missing from it; the store's flows per hour are counted only
 * when the totals differ.
 */
async function coverage(
  req: CheckRequest,
  extent: Row,
  table: readonly Row[] | null,
  perHour: () => Promise<readonly Row[]>,
): Promise<HourSpan | null> {
  const span = wholeHours(req);
  if (table === null || (span.from !== undefined && span.to !== undefined && span.from >= span.to))
    return null;
  const total = table.reduce((a, r) => a + num(r.flows), 0);
  if (total === num(extent.hourly_flows ?? 0)) return span;
  const stored = new Map(table.map((r) => [num(r.hour), num(r.flows)]));
  const flows = new Map((await perHour()).map((r) => [num(r.hour), num(r.flows)]));
  const missing = [...new Set([...stored.keys(), ...flows.keys()])].filter(
    (h) => (stored.get(h) ?? 0) !== (flows.get(h) ?? 0),
  );
  if (missing.length === flows.size) return null;
  return { ...span, missing: hourRuns(missing) };
}

/** The range's extent: counts and first and last starts from the store, the last end and IPv6 from the table's covered hours and the rest. */
function extentOf(extent: Row, table: readonly Row[] | null, span: HourSpan | null, rest: Row): Row {
  const missing = (h: number) => (span?.missing ?? []).some(([a, b]) => h >= a && h <= b);
  const covered =
    span === null ? [] : (table ?? []).filter((r) => inSpan(span, num(r.hour)) && !missing(num(r.hour)));
  const vals = (rows: readonly Row[], k: string) =>
    rows.flatMap((r) => (r[k] === null || r[k] === undefined ? [] : [num(r[k])]));
  const last = [...vals(covered, 't_last'), ...vals([rest], 't_last')];
  return {
    ...extent,
    v6: covered.reduce((a, r) => a + num(r.v6), 0) + num(rest.v6 ?? 0),
    t_last: last.length === 0 ? null : Math.max(...last),
  };
}

/** Runs the check's queries in order on `run` and assembles the findings. */
export async function evaluateCheck(policy: Policy, req: CheckRequest, run: RunQuery): Promise<CheckResult> {
  const q0 = checkQueries(policy, req);
  const counts = (await run(q0.extent))[0] ?? {};
  const table =
    req.hourly !== false && (await run(q0.hourlyExists)).length > 0 ? await run(q0.hourlyFlows) : null;
  const span = await coverage(req, counts, table, () => run(q0.flowsPerHour));
  const extent = extentOf(counts, table, span, (await run(q0.extentRest(span)))[0] ?? {});
  const known =
    extent.t_first === null || extent.t_first === undefined
      ? undefined
      : { first: num(extent.t_first), last: num(extent.t_last) };
  const q = checkQueries(policy, req, known);
  // a policy that judges every flow groups them all itself; an exception expiring inside the
  // range has its expiry's hour grouped from the flows
  const judged = { ...req, ...known };
  const hourly =
    span === null || judgesSingleFlows(policy, judged)
      ? null
      : {
          ...span,
          missing: mergedRuns([...span.missing, ...expiryHours(policy, judged).map((h) => [h, h] as const)]),
        };
  const plan = planOf(req, extent, hourly);
  try {
    for (const node of q.stage(plan)) await run(node);
    for (const node of q.classify(plan)) await run(node);
    const rules = await run(q.rules);
    const evidence = await ruleEvidence(run, q, rules, policy.evidence);
    const expectations = await orNone(run, q.expectations(plan));
    const health = await orNone(run, q.health(plan));
    await run(q.droppedConnections(plan));
    const dropped = await orNone(run, q.dropped(plan, await run(q.droppedPorts)));
    const tgwLoss = await orNone(run, q.tgwLoss((await run(q.tgwLossSpan))[0] ?? {}));
    const ids = dictionaryIds(
      [...evidence, ...dropped, ...tgwLoss].map((r) => r.ev),
      tgwLoss.map((r) => r.tgw_attachment_id),
    );
    const dictionary = await orNone(run, q.dictionary(ids));
    return checkResult(policy, req, {
      extent,
      bounds: plan,
      rules,
      evidence,
      expectations,
      health,
      dropped,
      tgwLoss,
      dictionary,
    });
  } finally {
    for (const node of q.cleanup) await run(node);
  }
}
