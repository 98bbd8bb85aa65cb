// analyses: one analysis per file; each describes a query as a SQL tree and runs nothing.
export {
  DIMENSION_NAMES,
  type Dimension,
  type DimensionRef,
  dimension,
  groupFlows,
  keyName,
  TRAFFIC,
  toDimension,
} from './dimensions.js';
export { extent } from './extent.js';
export { DEFAULT_FLOW_COLUMNS, type FlowListQuery, flowList } from './flow-list.js';
export { type Additive, groupAdditive } from './group-additive.js';
export { type MatrixQuery, matrix } from './matrix.js';
export { type SankeyQuery, sankey } from './sankey.js';
export type { TimeRange } from './time-range.js';
export { bucketDimension, type TimeSeriesQuery, timeSeries } from './time-series.js';
export { METRICS, type Metric, metricSql, type TopQuery, topTalkers } from './top-talkers.js';
export { type TotalsQuery, totals } from './totals.js';
