// flow: what a flow record is. One column table, its storage layout, batches, ip/cidr math,
// protocol names. Pure: no I/O.
export * from './batch.js';
export * from './columns.js';
export * from './ip.js';
export * from './protocols.js';
export { routeBatch } from './route-batch.js';
export { sortBatch } from './sort-batch.js';
export {
  type ReorderStage,
  reorderStage,
  STAGE_MAX_ROWS,
  type Stage,
  type StageColumn,
  stageOrder,
} from './stage-order.js';
export * from './storage.js';
