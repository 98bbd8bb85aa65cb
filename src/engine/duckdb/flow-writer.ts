// Writes flows into the DuckDB store. A transaction holds one or more whole files and commits
// only at a file boundary: a killed or failed ingest never leaves part of a file, and a file is
// recorded as ingested in the same transaction as its flows, so the next run picks up whatever
// did not commit. (One commit per file cost ~30 ms each, more than parsing a 5-minute S3 file.)
// Strings are dictionary-encoded here: batch-local ids -> store ids.

import { type DuckDBConnection, DuckDBTimestampValue } from '@duckdb/node-api';
import { UserError } from '../../errors.js';
import { type FlowBatch, type ReorderStage, STORAGE_COLUMNS, STORE } from '../../flow/index.js';
import { ScanAppender } from './scan-appender.js';

const DICT_COLUMNS = STORAGE_COLUMNS.filter((s) => s.physical === 'dict');

export interface WriterOptions {
  /**
   * Runs inside each transaction before it commits, once its flows and dictionary are in: what
   * the store keeps beside the flows of files [firstFile, lastFile] (the check's hourly rows)
   */
  readonly beforeCommit?: (firstFile: number, lastFile: number) => Promise<void>;
  /**
   * Puts each core stage in insert order before its INSERT (flow/stage-order.ts: the address
   * columns compress better); default: as the batches came. The app gives the addon's.
   */
  readonly reorder?: ReorderStage;
}

export interface FileIdentity {
  readonly path: string;
  readonly size: number;
  /** sha256 of the file's bytes, hex */
  readonly hash: string;
}

export interface IngestedFile extends FileIdentity {
  readonly id: number;
  readonly flows: number;
  readonly rejected: number;
}

function anySet(mask: Uint8Array, rows: number): boolean {
  const bytes = Math.ceil(rows / 8);
  for (let i = 0; i < bytes; i++) if (mask[i] !== 0) return true;
  return false;
}

const identityKey = (size: number, hash: string): string => `${size}:${hash}`;

const firstLine = (s: string): string =>
  s
    .split('\n')
    .find((l) => l.trim() !== '' && !/^FATAL Error: Failed: database has been invalidated/.test(l))
    ?.trim() ?? s;

/** DuckDB's words when a buffer cannot be had within its memory limit. */
const OUT_OF_MEMORY = /could not allocate|failed to pin|out of memory/i;

/**
 * A DuckDB failure while storing flows, as the user can act on it: running out of the memory
 * limit becomes `store.out-of-memory` (what to raise, and that the open transaction is dropped);
 * anything else is left as it is.
 */
export function storeFailure(e: unknown, memoryLimit: string): unknown {
  if (!(e instanceof Error)) return e;
  if (/database has been invalidated|FATAL/.test(e.message)) {
    // e.g. a checkpoint after a commit could not get memory: DuckDB stops the database, and
    // replays its log when the store is next opened
    return new UserError(
      'store.invalidated',
      `DuckDB stopped the store after a fatal error while writing flows, with its memory limit at ${memoryLimit} (${firstLine(e.message)})`,
      {
        hint: 'files whose commit finished are kept and are skipped on the next run; run again, with a higher --memory-limit (e.g. 1GB) if the error says memory ran out',
        cause: e,
      },
    );
  }
  if (!OUT_OF_MEMORY.test(e.message)) return e;
  return new UserError(
    'store.out-of-memory',
    `the store ran out of its ${memoryLimit} memory limit while writing flows (${firstLine(e.message)})`,
    {
      hint: 'run again with a higher --memory-limit, e.g. --memory-limit 1GB; files stored before this are kept and are skipped on the next run',
      cause: e,
    },
  );
}

/**
 * Rows staged per table before an INSERT writes them: whole DuckDB row groups (122,880 rows), so
 * each INSERT leaves full row groups behind. The core table has three stages of one row group:
 * rows fill one while another's INSERT runs and a third waits for it, so the parse worker is not
 * held back by each INSERT (2 M bench flows: two stages, 4.8 s against 5.2-5.8 s with one stage
 * of two row groups; 10 M: three stages kept both cores 1.59-1.60 busy against 1.52-1.57 with
 * two, +15 MB). About 36 MB of stage for the core table and 38 MB for the wide one (their rows
 * are 96 and 311 bytes wide); the wide table is rare enough to keep one.
 */
const CORE_STAGE_ROWS = 122_880;
const CORE_STAGES = 3;
const WIDE_STAGE_ROWS = 122_880;

export class FlowWriter {
  private readonly dict = new Map<string, number>();
  private readonly known = new Map<string, string>(); // size:hash -> path, committed or pending
  private pendingDict: string[] = [];
  private pendingFiles: IngestedFile[] = [];
  private nextDictId = 1;
  private nextFileId = 1;
  /** one stage per table for the writer's life: each registers its scan function once */
  private readonly stages: { core: ScanAppender; wide: ScanAppender };
  /** flows appended per file started in this transaction */
  private readonly open = new Map<number, number>();
  private started = 0;
  private txOpen = false;
  /** an append or commit failed: nothing more is appended until rollback() */
  private failed = false;
  /** release() was called: no transaction begins */
  private released = false;

  private constructor(
    private readonly conn: DuckDBConnection,
    readonly columns: { readonly core: readonly string[]; readonly wide: readonly string[] },
    /** DuckDB's memory limit as it prints it, for errors */
    private memoryLimit: string,
    private readonly opts: WriterOptions,
    stages: { core: ScanAppender; wide: ScanAppender },
  ) {
    this.stages = stages;
  }

  /** Loads the dictionary, the ingested files and the next ids; the schema must exist. */
  static async open(conn: DuckDBConnection, opts: WriterOptions = {}): Promise<FlowWriter> {
    const names = async (table: string) =>
      (
        await conn.runAndReadAll(
          'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
          [table],
        )
      )
        .getRows()
        .map((r) => String(r[0]));
    const limit = String(
      (await conn.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows()[0]?.[0] ?? 'its',
    );
    const columns = { core: await names(STORE.core), wide: await names(STORE.wide) };
    const w = new FlowWriter(conn, columns, limit, opts, {
      core: await ScanAppender.open(
        conn,
        STORE.core,
        columns.core,
        CORE_STAGE_ROWS,
        CORE_STAGES,
        opts.reorder,
      ),
      wide: await ScanAppender.open(conn, STORE.wide, columns.wide, WIDE_STAGE_ROWS),
    });
    const dict = await conn.runAndReadAll(`SELECT id, value FROM "${STORE.dict}"`);
    for (const [id, value] of dict.getRows()) {
      w.dict.set(String(value), Number(id));
      w.nextDictId = Math.max(w.nextDictId, Number(id) + 1);
    }
    const files = await conn.runAndReadAll(`SELECT id, path, size, hash FROM "${STORE.files}"`);
    for (const [id, path, size, hash] of files.getRows()) {
      w.known.set(identityKey(Number(size), String(hash)), String(path));
      w.nextFileId = Math.max(w.nextFileId, Number(id) + 1);
    }
    return w;
  }

  /** Sets DuckDB's memory limit ('512MB'), between transactions. */
  async setMemoryLimit(limit: string): Promise<void> {
    if (this.txOpen) throw new Error('the memory limit changes between transactions only');
    await this.conn.run(`SET memory_limit = '${limit.replaceAll("'", "''")}'`);
    this.memoryLimit = String(
      (await this.conn.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows()[0]?.[0] ?? limit,
    );
  }

  /** The path already stored (or pending in this transaction) with these bytes, if any. */
  findIngested(size: number, hash: string): { path: string } | undefined {
    const path = this.known.get(identityKey(size, hash));
    return path === undefined ? undefined : { path };
  }

  /** A transaction is open: begun, and neither committed nor rolled back (a failed commit leaves it open). */
  get inTransaction(): boolean {
    return this.txOpen;
  }

  /** Opens a transaction for one or more files. */
  async begin(): Promise<void> {
    if (this.txOpen) throw new Error('a transaction is already open');
    if (this.released) throw new Error('this writer was released: open another');
    await this.conn.run('BEGIN TRANSACTION');
    this.txOpen = true;
    this.pendingDict = [];
    this.pendingFiles = [];
    this.open.clear();
    this.started = 0;
  }

  /** Starts a file inside the open transaction; several may be open at once. Returns its id. */
  startFile(): number {
    this.requireTransaction();
    const id = this.nextFileId + this.started++;
    this.open.set(id, 0);
    return id;
  }

  /**
   * Appends a batch of a started file (its dict columns are rewritten to store ids in place):
   * rows [0, coreLength) to flow_core, the rest to flow_wide (see flow/route-batch.ts).
   */
  append(batch: FlowBatch, fileId: number): Promise<void> | undefined {
    this.requireTransaction();
    const flows = this.open.get(fileId);
    if (flows === undefined) throw new Error(`file ${fileId} was not started in this transaction`);
    if (this.failed) throw new Error('the transaction failed; roll it back before appending');
    if (batch.length === 0) return undefined;
    if (batch.strings.length > 0) this.remap(batch);
    this.open.set(fileId, flows + batch.length);
    const fail = (e: unknown): never => {
      this.failed = true;
      throw storeFailure(e, this.memoryLimit);
    };
    try {
      const core =
        batch.coreLength > 0 ? this.stages.core.append(batch, fileId, 0, batch.coreLength) : undefined;
      const wide =
        batch.coreLength < batch.length
          ? this.stages.wide.append(batch, fileId, batch.coreLength, batch.length)
          : undefined;
      if (core === undefined && wide === undefined) return undefined;
      return Promise.all([core, wide]).then(() => undefined, fail);
    } catch (e) {
      return fail(e);
    }
  }

  /** Batch-local dictionary ids -> store ids, in place; columns NULL in the whole batch are skipped. */
  private remap(batch: FlowBatch): void {
    const ids = Uint32Array.from(batch.strings, (s) => this.dictId(s));
    const n = batch.length;
    for (const s of DICT_COLUMNS) {
      const valid = batch.valid[s.name] as Uint8Array;
      if (!anySet(valid, n)) continue;
      const col = batch.data[s.name] as Uint32Array;
      // a NULL slot holds 0, a valid index too: both map through ids[0] harmlessly
      for (let i = 0; i < n; i++) col[i] = ids[col[i] as number] as number;
    }
  }

  private dictId(s: string): number {
    let id = this.dict.get(s);
    if (id === undefined) {
      id = this.nextDictId++;
      this.dict.set(s, id);
      this.pendingDict.push(s);
    }
    return id;
  }

  /** Ends a started file; it is stored when the transaction commits. */
  endFile(fileId: number, file: FileIdentity, rejected: number): IngestedFile {
    this.requireTransaction();
    const flows = this.open.get(fileId);
    if (flows === undefined) throw new Error(`file ${fileId} was not started in this transaction`);
    this.open.delete(fileId);
    const done = { ...file, id: fileId, flows, rejected };
    this.pendingFiles.push(done);
    this.known.set(identityKey(file.size, file.hash), file.path);
    return done;
  }

  /**
   * Records the files ended since begin() and commits them with their flows. If it fails, the
   * transaction is still open: roll it back.
   */
  async commit(now: Date): Promise<readonly IngestedFile[]> {
    try {
      return await this.commitOrThrow(now);
    } catch (e) {
      this.failed = true;
      throw storeFailure(e, this.memoryLimit);
    }
  }

  private async commitOrThrow(now: Date): Promise<readonly IngestedFile[]> {
    if (this.open.size > 0) throw new Error(`commit() with ${this.open.size} file(s) still open`);
    this.requireTransaction();
    if (this.failed) throw new Error('an append failed in this transaction; roll it back');
    await this.stages.core.flush();
    await this.stages.wide.flush();
    if (this.pendingDict.length > 0) {
      const a = await this.conn.createAppender(STORE.dict);
      for (const s of this.pendingDict) {
        a.appendUInteger(this.dict.get(s) as number);
        a.appendVarchar(s);
        a.endRow();
      }
      a.closeSync();
    }
    if (this.started > 0) await this.opts.beforeCommit?.(this.nextFileId, this.nextFileId + this.started - 1);
    const files = await this.conn.createAppender(STORE.files);
    for (const f of this.pendingFiles) {
      files.appendUInteger(f.id);
      files.appendVarchar(f.path);
      files.appendBigInt(BigInt(f.size));
      files.appendVarchar(f.hash);
      files.appendBigInt(BigInt(f.flows));
      files.appendBigInt(BigInt(f.rejected));
      files.appendTimestamp(new DuckDBTimestampValue(BigInt(now.getTime()) * 1000n));
      files.endRow();
    }
    files.closeSync();
    await this.conn.run('COMMIT');
    this.txOpen = false;
    const done = this.pendingFiles;
    this.nextFileId += this.started;
    this.pendingDict = [];
    this.pendingFiles = [];
    return done;
  }

  /** Drops everything since begin(); the store is as it was. */
  async rollback(): Promise<void> {
    // staged rows are dropped (an INSERT still running finishes first: it is rolled back below)
    await this.stages.core.discard();
    await this.stages.wide.discard();
    this.failed = false;
    for (const s of this.pendingDict) this.dict.delete(s);
    this.nextDictId -= this.pendingDict.length;
    for (const f of this.pendingFiles) this.known.delete(identityKey(f.size, f.hash));
    this.pendingDict = [];
    this.pendingFiles = [];
    this.txOpen = false;
    try {
      await this.conn.run('ROLLBACK');
    } catch (e) {
      // a COMMIT that failed has already ended the transaction in DuckDB
      if (!/no transaction is active/i.test((e as Error).message)) throw e;
    }
  }

  /** Done with this writer (no transaction open): its staging memory is let go; it appends no more. */
  async release(): Promise<void> {
    if (this.txOpen) throw new Error('a transaction is open: commit or roll back first');
    this.released = true;
    await this.stages.core.release();
    await this.stages.wide.release();
  }

  private requireTransaction(): void {
    if (!this.txOpen) throw new Error('no open transaction: call begin() first');
  }
}
