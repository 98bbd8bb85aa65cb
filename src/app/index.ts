// app: the composition root. The only place that picks and creates engines and sources.

export { DIMENSION_NAMES, METRICS, type Metric, type TimeRange } from '../analyses/index.js';
export type { IngestReport } from '../ingest/index.js';
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
export * from './app.js';
export { type CheckRequest as CheckRun, loadPolicy, runCheck } from './check.js';
export { type Dashboard, type DashboardConfig, openDashboard } from './dashboard.js';
export { RANGE_SPANS } from './dashboard-range.js';
export type * from './dashboard-types.js';
export { type DemoRequest, type DemoResult, runDemo, type StoreTotals, storeTotals } from './demo.js';
export {
  checkDemo,
  compareWithTruth,
  EXAMPLE_POLICY,
  EXAMPLE_RULES,
  type TruthComparison,
} from './demo-check.js';
export {
  type IngestLoop,
  ingestEvery,
  LIVE_MEMORY_LIMIT,
  type LiveIngest,
  type LiveRun,
  openLiveStore,
} from './live.js';
export { type LivePick, SETTLE_SECONDS } from './live-files.js';
export { DEFAULT_LIMITS, type QueryLimits } from './query-runner.js';
export { parseTime } from './time.js';
