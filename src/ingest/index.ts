// ingest: bytes from sources, parsed into flow batches, handed to a sink.
export {
  type Layout,
  nativeReorderStage,
  type ParseStats,
  parseFormat,
  type RejectSample,
} from './parse/index.js';
export {
  type FlowSink,
  type IngestOptions,
  type IngestProgress,
  type IngestReport,
  ingest,
  startParseWorkers,
} from './pipeline.js';
export { expandInputs, type InputFile } from './sources/file.js';
