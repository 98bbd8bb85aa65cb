// Parquet files as AWS delivers them (typed columns named with `_`, gzip/snappy pages, account_id
// sometimes int64), read with DuckDB's Parquet reader in a private in-memory instance and handed
// on as records, a chunk at a time (never the whole file in memory).

import { DuckDBInstance } from '@duckdb/node-api';
import { UserError } from '../../errors.js';

let reader: Promise<DuckDBInstance> | undefined;

function instance(): Promise<DuckDBInstance> {
  reader ??= DuckDBInstance.create(':memory:', { threads: '1' });
  return reader;
}

/** Streams a Parquet file's rows as records (column name -> JS value); a bad file is a user error. */
export async function* readParquet(path: string): AsyncGenerator<readonly Record<string, unknown>[]> {
  const conn = await (await instance()).connect();
  try {
    let result: Awaited<ReturnType<typeof conn.stream>>;
    try {
      result = await conn.stream('SELECT * FROM read_parquet($1)', [path]);
    } catch (e) {
      throw badParquet(path, e);
    }
    try {
      for await (const rows of result.yieldRowObjectJs()) yield rows;
    } catch (e) {
      throw badParquet(path, e);
    }
  } finally {
    conn.closeSync();
  }
}

function badParquet(path: string, e: unknown): UserError {
  const detail = String((e as Error).message ?? e).split('\n')[0];
  return new UserError('ingest.bad-parquet', `'${path}' is not a readable Parquet file: ${detail}`, {
    hint: 'the file may be truncated or not Parquet at all; re-download it, or remove it from the inputs',
    cause: e,
  });
}
