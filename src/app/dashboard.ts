// The dashboard's questions, one per view, over one read-only engine held open while the server
// runs (file access disabled; DuckDB's cache stays warm). Each view resolves its range, compiles
// its filter, runs analyses and shapes the rows into the JSON of dashboard-types.ts.

import { DEFAULT_FLOW_COLUMNS, extent } from '../analyses/index.js';
import { DuckdbEngine, type Row } from '../engine/index.js';
import { UserError } from '../errors.js';
import { filterToSql } from '../filter/index.js';
import { COLUMNS } from '../flow/index.js';
import type { Policy } from '../policy/index.js';
import { loadPolicy } from './check.js';
import { dashboardDimensions, defaultTopTables, type ViewContext } from './dashboard-context.js';
import { findingsView } from './dashboard-findings.js';
import { flows } from './dashboard-flows.js';
import { labelTables } from './dashboard-labels.js';
import { matrixView } from './dashboard-matrix.js';
import { overview } from './dashboard-overview.js';
import {
  type CheckLane,
  type Checks,
  policyChecks,
  type Span,
  segmentColumns,
  segmentDimension,
} from './dashboard-policy.js';
import { resolveRange } from './dashboard-range.js';
import { sankey } from './dashboard-sankey.js';
import type * as T from './dashboard-types.js';
import { CHECK_LIMITS, DEFAULT_LIMITS, type QueryLimits, queryRunner } from './query-runner.js';

export interface DashboardConfig {
  readonly db: string;
  /**
   * the store, open for writing in this process (`serve --ingest`): the views and the check read
   * it through connections of their own, and refresh() takes in what was written since
   */
  readonly store?: DuckdbEngine;
  /** a policy file: segment dimensions, the matrix and findings */
  readonly policy?: string;
  readonly now?: () => Date;
  readonly limits?: QueryLimits;
}

export interface Dashboard {
  meta(): T.Meta;
  overview(req: T.OverviewRequest): Promise<T.Overview>;
  sankey(req: T.SankeyRequest): Promise<T.Sankey>;
  flows(req: T.FlowsRequest): Promise<T.Flows>;
  /** need a policy (`policy.missing` without one) */
  matrix(req: T.MatrixRequest): Promise<T.Matrix>;
  findings(req: T.ViewRequest): Promise<T.FindingsView>;
  /** reads the store's span again and forgets the checks: after new flows were written (live store only changes) */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

function noPolicy(): UserError {
  return new UserError('policy.missing', 'this view needs a policy, and none is loaded', {
    hint: 'start the dashboard with --policy FILE (see examples/platform/policy.yaml)',
  });
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The explorer's columns: the flow columns, and each side's segment with a policy (next to its address). */
function flowColumns(policy: Policy | undefined): Pick<T.Meta, 'columns' | 'defaultColumns'> {
  const columns = [
    { name: 'kind', description: 'vpc or tgw' },
    ...COLUMNS.map((c) => ({ name: c.sql, description: c.description })),
  ];
  if (policy === undefined) return { columns, defaultColumns: DEFAULT_FLOW_COLUMNS };
  const segments = ['src', 'dst'].map((s) => ({
    name: `${s}_segment`,
    description: `the most specific segment of the ${s === 'src' ? 'source' : 'destination'} (effective address)`,
  }));
  const defaults = DEFAULT_FLOW_COLUMNS.flatMap((c) =>
    c === 'srcaddr' ? [c, 'src_segment'] : c === 'dstaddr' ? [c, 'dst_segment'] : [c],
  );
  return { columns: [...segments, ...columns], defaultColumns: defaults };
}

function viewContext(
  run: ViewContext['run'],
  last: number | undefined,
  now: () => Date,
  policy: Policy | undefined,
): ViewContext {
  const segments = new Map(
    policy === undefined
      ? []
      : (['src', 'dst'] as const).map((s) => [`${s}_segment`, segmentDimension(policy, s)]),
  );
  return {
    run,
    range: (r) => resolveRange(r, last, now),
    where: (text) => (text === undefined || text.trim() === '' ? undefined : filterToSql(text)),
    dimension: (name) => segments.get(name) ?? name,
    columns: policy === undefined ? {} : segmentColumns(policy),
  };
}

interface Loaded {
  readonly file: string;
  readonly policy: Policy;
}

function metaOf(db: string, span: Row, loaded: Loaded | undefined): T.Meta {
  const policy = loaded?.policy;
  return {
    db,
    first: num(span.first),
    last: num(span.last),
    records: Number(span.records ?? 0),
    dimensions: dashboardDimensions(policy !== undefined),
    overviewTop: defaultTopTables(policy !== undefined),
    metrics: ['bytes', 'packets', 'flows'],
    ...flowColumns(policy),
    labels: labelTables(),
    policy:
      loaded === undefined
        ? null
        : { file: loaded.file, segments: loaded.policy.segments.map((s) => s.name) },
  };
}

/** An engine for the dashboard: a connection of the live store, or the store opened read-only. */
const engineOn = (cfg: DashboardConfig): Promise<DuckdbEngine> =>
  cfg.store?.sibling() ?? DuckdbEngine.open({ path: cfg.db, readOnly: true });

/** The checks over one state of the store, the one of the default range started. */
function startChecks(
  policy: Policy,
  run: ReturnType<typeof queryRunner>,
  ctx: ViewContext,
  span: Span,
  now: () => Date,
  lane: CheckLane,
): Checks {
  const checks = policyChecks(policy, run, now, span, lane);
  if (span.last !== undefined) {
    const r = ctx.range({ last: '24h' });
    checks.get(r.since, r.until).catch(() => undefined); // a failure shows when the view asks again
  }
  return checks;
}

export async function openDashboard(cfg: DashboardConfig): Promise<Dashboard> {
  const loaded = cfg.policy === undefined ? undefined : { file: cfg.policy, policy: loadPolicy(cfg.policy) };
  const policy = loaded?.policy;
  const engine = await engineOn(cfg);
  const now = cfg.now ?? (() => new Date());
  const run = queryRunner(engine, cfg.limits ?? DEFAULT_LIMITS);
  // the check on an engine of its own: a long check does not hold up the other views
  const checkEngine = policy === undefined ? undefined : await engineOn(cfg);
  const checkRun = checkEngine === undefined ? undefined : queryRunner(checkEngine, CHECK_LIMITS);
  const lane: CheckLane = { tail: Promise.resolve() };
  // what depends on the store's span: read once (a store held open read-only cannot change; DuckDB
  // locks the file), and again on refresh() for a live one
  const state = async () => {
    const span = (await engine.query(extent())).rows[0] ?? {};
    const bounds: Span = { first: num(span.first) ?? undefined, last: num(span.last) ?? undefined };
    const ctx = viewContext(run, bounds.last, now, policy);
    const checks =
      policy === undefined || checkRun === undefined
        ? undefined
        : startChecks(policy, checkRun, ctx, bounds, now, lane);
    return { ctx, checks, meta: metaOf(cfg.db, span, loaded) };
  };
  let s = await state();
  return {
    meta: () => s.meta,
    overview: (req) => overview(s.ctx, req),
    sankey: (req) => sankey(s.ctx, req),
    flows: (req) => flows(s.ctx, req),
    matrix: (req) =>
      policy === undefined || s.checks === undefined
        ? Promise.reject(noPolicy())
        : matrixView(s.ctx, req, policy, s.checks),
    findings: (req) =>
      s.checks === undefined ? Promise.reject(noPolicy()) : findingsView(s.ctx, req, s.checks),
    refresh: async () => {
      s = await state();
    },
    close: async () => {
      await checkEngine?.close();
      await engine.close();
    },
  };
}
