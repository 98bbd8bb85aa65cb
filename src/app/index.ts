// app: the composition root. The only place that picks and creates engines and sources.
export * from './app.js';
export { parseTime } from './time.js';
export { DIMENSION_NAMES, METRICS, type Metric, type TimeRange } from '../analyses/index.js';
export type { IngestReport } from '../ingest/index.js';
export { type DemoRequest, type DemoResult, runDemo, type StoreTotals, storeTotals } from './demo.js';
