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
import { policyChecks, type Span, segmentColumns, segmentDimension } from './dashboard-policy.js';
import { resolveRange } from './dashboard-range.js';
import { sankey } from './dashboard-sankey.js';
import type * as T from './dashboard-types.js';
import { CHECK_LIMITS, DEFAULT_LIMITS, type QueryLimits, queryRunner } from './query-runner.js';

export interface DashboardConfig {
  readonly db: string;
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

/** The policy check on an engine of its own (a long check does not hold up the other views), started for the default range. */
async function startChecks(db: string, policy: Policy, ctx: ViewContext, span: Span, now: () => Date) {
  const engine = await DuckdbEngine.open({ path: db, readOnly: true });
  const checks = policyChecks(policy, queryRunner(engine, CHECK_LIMITS), now, span);
  if (span.last !== undefined) {
    const r = ctx.range({ last: '24h' });
    checks.get(r.since, r.until).catch(() => undefined); // a failure shows when the view asks again
  }
  return { engine, checks };
}

export async function openDashboard(cfg: DashboardConfig): Promise<Dashboard> {
  const loaded = cfg.policy === undefined ? undefined : { file: cfg.policy, policy: loadPolicy(cfg.policy) };
  const policy = loaded?.policy;
  const engine = await DuckdbEngine.open({ path: cfg.db, readOnly: true });
  const now = cfg.now ?? (() => new Date());
  // the store cannot change while we hold it open read-only (DuckDB locks the file): its span is read once
  const span = (await engine.query(extent())).rows[0] ?? {};
  const bounds: Span = { first: num(span.first) ?? undefined, last: num(span.last) ?? undefined };
  const ctx = viewContext(queryRunner(engine, cfg.limits ?? DEFAULT_LIMITS), bounds.last, now, policy);
  const checker = policy === undefined ? undefined : await startChecks(cfg.db, policy, ctx, bounds, now);
  const meta = metaOf(cfg.db, span, loaded);
  return {
    meta: () => meta,
    overview: (req) => overview(ctx, req),
    sankey: (req) => sankey(ctx, req),
    flows: (req) => flows(ctx, req),
    matrix: (req) =>
      policy === undefined || checker === undefined
        ? Promise.reject(noPolicy())
        : matrixView(ctx, req, policy, checker.checks),
    findings: (req) =>
      checker === undefined ? Promise.reject(noPolicy()) : findingsView(ctx, req, checker.checks),
    close: async () => {
      await checker?.engine.close();
      await engine.close();
    },
  };
}
