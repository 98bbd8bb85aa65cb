// engine: runs SQL. engine.ts is the interface; duckdb/ the embedded default.
export {
  DuckdbEngine,
  type DuckdbOptions,
  PARAM_TYPES,
  WRITER_MEMORY_STEPS,
} from './duckdb/duckdb-engine.js';
export type { FileIdentity, FlowWriter, IngestedFile } from './duckdb/flow-writer.js';
export {
  coreColumnDefs,
  coreViewSql,
  encodeProtocolSql,
  flowStoreViewSql,
  flowsViewSql,
  storeColumnDefs,
} from './duckdb/schema.js';
export type { Engine, QueryResult, Row } from './engine.js';
