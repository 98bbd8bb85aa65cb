// The baseline: what a user gets from DuckDB's own typed CSV reader, a CREATE TABLE ... AS
// SELECT over read_csv of the same gzip files into a fresh database file, with the same thread
// count flowsight uses. Column types come from flow/columns.ts (one fact, written once).
//
// read_csv(union_by_name=true, columns={...}) does not work: explicit columns are positional and
// the v2 files have 14 of the 29 (DuckDB fails sniffing the first short file). Two ways do:
//   split (default): one read_csv per format, selected by flow-log id in the S3 key (a user knows
//     which flow log has which format), each with explicit columns and no type sniffing, combined
//     with UNION ALL BY NAME;
//   union: one read_csv with union_by_name=true and types={...} by name; it sniffs every file.

import { COLUMNS, columnByAws, type FieldType } from '../src/flow/index.js';
import type { BenchFormat, Dataset } from './dataset.js';
import { type Measured, spawnMeasured } from './spawn.js';

export type BaselineMode = 'split' | 'union';

const SQL_TYPE: Readonly<Record<FieldType, string>> = {
  u8: 'INTEGER',
  u16: 'INTEGER',
  i64: 'BIGINT',
  time: 'BIGINT',
  ip: 'VARCHAR',
  enum: 'VARCHAR',
  string: 'VARCHAR',
};

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** DuckDB's struct literal of typed columns, {'account_id': 'VARCHAR', ...}, by SQL name. */
function typedColumns(fields: readonly string[]): string {
  const parts = fields.map((f) => {
    const c = columnByAws(f);
    if (c === undefined) throw new Error(`field '${f}' is not in flow/columns.ts`);
    return `${lit(c.sql)}: ${lit(SQL_TYPE[c.type])}`;
  });
  return `{${parts.join(', ')}}`;
}

/** The CTAS statement for the dataset. */
export function baselineSql(ds: Dataset, mode: BaselineMode): string {
  const common = `delim=' ', header=true, nullstr='-'`;
  if (mode === 'union') {
    // types= maps by header name, so it takes the AWS spelling; the table keeps those names
    const all = COLUMNS.filter((c) =>
      Object.values(ds.manifest.formats).some((f) => f.fields.includes(c.aws)),
    );
    const types = `{${all.map((c) => `${lit(c.aws)}: ${lit(SQL_TYPE[c.type])}`).join(', ')}}`;
    return `CREATE TABLE flows AS SELECT * FROM read_csv(${lit(`${ds.awsLogs}/**/*.log.gz`)}, ${common}, union_by_name=true, types=${types})`;
  }
  const reads = (
    Object.entries(ds.manifest.formats) as [BenchFormat, Dataset['manifest']['formats'][BenchFormat]][]
  )
    .filter(([, f]) => f.files > 0)
    .map(([, f]) => {
      const globs = f.flowLogIds.map((id) => lit(`${ds.awsLogs}/**/*_${id}_*.log.gz`));
      return `SELECT * FROM read_csv([${globs.join(', ')}], ${common}, columns=${typedColumns(f.fields)})`;
    });
  return `CREATE TABLE flows AS ${reads.join('\nUNION ALL BY NAME\n')}`;
}

/** The log-status column's name in the baseline table (AWS spelling in union mode). */
export const baselineStatusColumn = (mode: BaselineMode): string =>
  mode === 'union' ? '"log-status"' : 'log_status';

export interface BaselineOptions {
  readonly db: string;
  readonly threads: number;
  readonly mode: BaselineMode;
  /** DuckDB settings beyond threads, e.g. preserve_insertion_order */
  readonly settings: Readonly<Record<string, string>>;
}

/** Runs the CTAS in a child process (measure.mjs duckdb ...). */
export function runBaseline(ds: Dataset, o: BaselineOptions, cwd: string): Promise<Measured> {
  const config = { threads: String(o.threads), ...o.settings };
  return spawnMeasured(['duckdb', o.db, JSON.stringify(config), baselineSql(ds, o.mode)], cwd);
}
