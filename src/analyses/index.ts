// analyses: one analysis per file; each describes a query as a SQL tree and runs nothing.
export { DIMENSION_NAMES, type Dimension, dimension, groupFlows, keyName, TRAFFIC } from './dimensions.js';
export { DEFAULT_FLOW_COLUMNS, type FlowListQuery, flowList } from './flow-list.js';
export type { TimeRange } from './time-range.js';
export { METRICS, type Metric, type TopQuery, topTalkers } from './top-talkers.js';
