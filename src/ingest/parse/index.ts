// ingest/parse: bytes -> columnar FlowBatches. Header-driven text records, CloudWatch and JSON
// wrappers, structured records (Parquet rows). Pure: no I/O, no clock, no logging.
export {
  DEFAULT_TGW_LAYOUT,
  DEFAULT_VPC_LAYOUT,
  type Layout,
  type LayoutField,
  parseFormat,
} from './layout.js';
export {
  type Gunzip,
  nativeGunzip,
  nativeReorderStage,
  nativeTextLines,
  nativeTextLinesProblem,
  route,
} from './native.js';
export { createParser, type Parser, type ParserOptions } from './parser.js';
export { createRecordSink, type FlowRecord, type RecordSink, type RecordSinkOptions } from './record-sink.js';
export { type ParseStats, REJECT_REASONS, type RejectReason, type RejectSample } from './stats.js';
