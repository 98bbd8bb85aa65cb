// ingest: bytes from sources, parsed into flow batches, handed to a sink.
export { parseFormat, type Layout, type ParseStats, type RejectSample } from './parse/index.js';
export { type FlowSink, type IngestOptions, type IngestProgress, type IngestReport, ingest } from './pipeline.js';
