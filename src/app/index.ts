// app: the composition root. The only place that picks and creates engines and sources.
export * from './app.js';
export { parseTime } from './time.js';
export { DIMENSION_NAMES, METRICS, type Metric, type TimeRange } from '../analyses/index.js';
export type { IngestReport } from '../ingest/index.js';
export { type DemoRequest, type DemoResult, runDemo, type StoreTotals, storeTotals } from './demo.js';
export { type Dashboard, type DashboardConfig, openDashboard } from './dashboard.js';
export { RANGE_SPANS } from './dashboard-range.js';
export type * from './dashboard-types.js';
export { DEFAULT_LIMITS, type QueryLimits } from './query-runner.js';
export { EXAMPLE_POLICY } from './demo-check.js';
export { loadPolicy, runCheck, type CheckRequest as CheckRun } from './check.js';
export { checkDemo, compareWithTruth, EXAMPLE_RULES, type TruthComparison } from './demo-check.js';
export {
  type CheckResult,
  type CheckSummary,
  DEFAULT_FAIL_ON,
  type EvidenceFlow,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type Window,
} from '../policy/index.js';
