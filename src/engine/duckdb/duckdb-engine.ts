// The embedded engine: a DuckDB file. Opens it for writing (ingest) or read-only with file
// access disabled (queries, `flowsight sql`), runs SQL trees, and hands out the flow writer.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  UHUGEINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
} from '@duckdb/node-api';
import { UserError } from '../../errors.js';
import { duckdbDialect, render, type SqlNode, type SqlType } from '../../sql/index.js';
import type { Engine, QueryResult } from '../engine.js';
import { FlowWriter, type WriterOptions } from './flow-writer.js';
import { coreViewSql, ensureSchema } from './schema.js';

/** How each pinned SQL type binds: a bigint above 2^127 left to inference would become HUGEINT and wrap. */
export const PARAM_TYPES: Readonly<Record<SqlType, DuckDBType>> = {
  u8: UTINYINT,
  u16: USMALLINT,
  u32: UINTEGER,
  i64: BIGINT,
  u128: UHUGEINT,
  f64: DOUBLE,
  text: VARCHAR,
  bool: BOOLEAN,
};

/**
 * Why a store did not open. DuckDB locks the file for the process that opens it: one process may
 * write a store while no other has it open, several may read it while none writes.
 */
export function openError(path: string, readOnly: boolean, e: unknown): UserError {
  const message = (e as Error).message ?? String(e);
  const held = /Could not set lock on file[^\n]*?held in (.*?) \(PID (\d+)\)/.exec(message);
  if (held !== null) {
    const by = `process ${held[2]} (${held[1]})`;
    return readOnly
      ? new UserError('store.busy', `the flow store '${path}' is being written by ${by}`, {
          hint: 'a flowsight ingest holds a store while it loads, and no other process can read it meanwhile: run this again when it has finished',
          cause: e,
        })
      : new UserError('store.busy', `the flow store '${path}' is open in ${by}`, {
          hint: 'a store can be written only while no other process has it open: stop that process (a flowsight serve, check or ingest) and ingest again, or ingest into another --db',
          cause: e,
        });
  }
  return new UserError('store.unreadable', `cannot open the flow store '${path}': ${message}`, {
    hint: 'check that the path is a flowsight store (a DuckDB file)',
    cause: e,
  });
}

export interface DuckdbOptions {
  readonly path: string;
  /** read-only, with file access and configuration changes refused (for queries and user SQL) */
  readonly readOnly: boolean;
  /** DuckDB worker threads; default: all cores */
  readonly threads?: number;
  /** DuckDB's memory limit for a writer, in DuckDB's notation ('256MB', '1GB'); default the first of WRITER_MEMORY_STEPS */
  readonly memoryLimit?: string;
  /**
   * a writer whose SQL may not read or write files (DuckDB external access off, for good): a
   * store written and queried by one process, as `flowsight serve --ingest` does
   */
  readonly noFileAccess?: boolean;
}

/**
 * A writer's DuckDB memory limits by default: it starts at the first and, each time a
 * transaction runs out of it, rolls back and climbs to the next (ingest's FlowSink.growMemory).
 * Flows load through INSERT ... SELECT (scan-appender.ts), which writes compressed row groups as
 * it goes, so the cache need not hold a transaction; with the appender, uncompressed transaction
 * rows needed 256 MB (128 MB ran out on the 10 M demo, 64 MB once invalidated the store at a
 * checkpoint). 96 MB since the two-stage native load (2026-12-05): the 10 M bench and demo
 * datasets load with no climb, the bench at 370-373 MB peak RSS against 398-409 at 128 MB (two
 * parse workers), at the same speed (docs/specs/ingest.md).
 */
export const WRITER_MEMORY_STEPS: readonly string[] = Object.freeze([
  '96MB',
  '128MB',
  '256MB',
  '512MB',
  '1GB',
  '2GB',
]);
const WRITER_MEMORY_LIMIT = WRITER_MEMORY_STEPS[0] as string;
/** the block size of a store this flowsight creates (bytes) */
export const STORE_BLOCK_SIZE = 65_536;

export class DuckdbEngine implements Engine {
  readonly name = 'duckdb';
  readonly dialect = duckdbDialect;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly path: string,
    /** whether close() closes the instance too (a sibling closes its connection only) */
    private readonly owner = true,
    /** DuckDB's threads as opened */
    private readonly threads = availableParallelism(),
  ) {}

  /**
   * Sets DuckDB's threads for the whole instance (every sibling's queries too); no argument: as
   * opened. A load runs one INSERT at a time, and with more threads than one the connection's own
   * thread spins on DuckDB's task queue while another runs it (docs/specs/ingest.md, "One DuckDB
   * thread while loading").
   */
  async setThreads(n: number = this.threads): Promise<void> {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new Error(`DuckDB threads must be a whole number >= 1, got ${n}`);
    await this.connection.run(`SET threads = ${n}`);
  }

  /**
   * Another engine on this one's store and DuckDB instance: a connection of its own (its own
   * temporary tables, interrupted alone), the same cache, and every commit of the others seen
   * by its next query. Close it before this one.
   */
  async sibling(): Promise<DuckdbEngine> {
    const engine = new DuckdbEngine(
      this.instance,
      await this.instance.connect(),
      this.path,
      false,
      this.threads,
    );
    await engine.connection.run(coreViewSql());
    return engine;
  }

  static async open(opts: DuckdbOptions): Promise<DuckdbEngine> {
    if (opts.readOnly && opts.path !== ':memory:' && !existsSync(opts.path)) {
      throw new UserError('store.missing', `no flow store at '${opts.path}'`, {
        hint: 'ingest flow logs first (flowsight ingest <path>), or point --db at an existing store',
      });
    }
    const config: Record<string, string> = opts.readOnly
      ? { access_mode: 'READ_ONLY', enable_external_access: 'false', lock_configuration: 'true' }
      : // a writer needs little cache: without a limit DuckDB kept ~1.3 GB while loading 2 M flows.
        // Flows arrive by INSERT ... SELECT, whose row groups are compressed and written during
        // the transaction, so the limit bounds the cache, not the transaction (WRITER_MEMORY_STEPS).
        // Storage version 1.5 turns on newer compression (~2 B/flow less). A new store gets
        // 64 KiB blocks: each row group's last, part-filled block wastes less (-0.9 B/flow on the
        // bench data against 256 KiB; 32 KiB took 10 B/flow more). A store keeps the block size
        // it was made with.
        {
          preserve_insertion_order: 'false',
          memory_limit: opts.memoryLimit ?? WRITER_MEMORY_LIMIT,
          storage_compatibility_version: 'v1.5.0',
          default_block_size: String(STORE_BLOCK_SIZE),
          ...(opts.noFileAccess === true ? { enable_external_access: 'false' } : {}),
        };
    if (opts.threads !== undefined) config.threads = String(opts.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(opts.path, config);
    } catch (e) {
      throw openError(opts.path, opts.readOnly === true, e);
    }
    const engine = new DuckdbEngine(instance, await instance.connect(), opts.path, true, opts.threads);
    if (!opts.readOnly) await ensureSchema(engine.connection);
    try {
      await engine.connection.run(coreViewSql());
    } catch (e) {
      await engine.close();
      throw new UserError(
        'store.outdated',
        `the flow store '${opts.path}' has an older layout than this flowsight reads (${(e as Error).message.split('\n')[0]})`,
        {
          hint: `upgrade it in place by opening it for writing once: flowsight ingest <any already-stored file> --db ${opts.path}`,
          cause: e,
        },
      );
    }
    return engine;
  }

  async query(node: SqlNode): Promise<QueryResult> {
    const r = render(node, duckdbDialect);
    const types = r.types.map((t) => (t === undefined ? undefined : PARAM_TYPES[t]));
    const reader = await this.connection.runAndReadAll(r.text, r.params as never, types as never);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() };
  }

  /** Runs SQL text a user typed (only on a read-only engine); DuckDB errors become user errors. */
  async userQuery(text: string): Promise<QueryResult & { types: readonly string[] }> {
    try {
      const reader = await this.connection.runAndReadAll(text);
      return {
        columns: reader.columnNames(),
        rows: reader.getRowObjectsJS(),
        types: reader.columnTypes().map((t) => t.toString()),
      };
    } catch (e) {
      throw userSqlError(text, e as Error);
    }
  }

  /**
   * A writer for ingest (only on a writable engine). `beforeCommit` runs inside each
   * transaction before it commits, once its flows are in (files firstFile..lastFile); it may
   * query this engine.
   */
  async writer(opts: WriterOptions = {}): Promise<FlowWriter> {
    return FlowWriter.open(this.connection, opts);
  }

  /** Runs statements in one transaction: all of them take effect, or none. */
  async transaction(nodes: readonly SqlNode[]): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const node of nodes) await this.query(node);
      await this.connection.run('COMMIT');
    } catch (e) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    if (this.owner) this.instance.closeSync();
  }
}

function userSqlError(text: string, e: Error): UserError {
  const msg = e.message;
  if (/read-only mode|read only/i.test(msg)) {
    return new UserError('sql.read-only', `flowsight sql is read-only: ${firstLine(msg)}`, {
      hint: 'use SELECT (or WITH ... SELECT) over the flows view; ingest adds data',
    });
  }
  if (/external access|disabled by configuration|Permission Error/i.test(msg)) {
    return new UserError('sql.file-access', `flowsight sql cannot read or write files: ${firstLine(msg)}`, {
      hint: 'query the store (SELECT ... FROM flows); to load files use flowsight ingest',
    });
  }
  return new UserError('sql.invalid', `query failed: ${firstLine(msg)}`, {
    at: `sql: ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`,
    hint: 'the flows view has one column per flow-log field; try: flowsight sql "DESCRIBE flows"',
  });
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '') ?? s;
}
