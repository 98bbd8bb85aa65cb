// Writes flows into the DuckDB store one file at a time, each file inside one transaction: a
// killed or failed ingest never leaves part of a file, and the file is not recorded as ingested,
// so the next run picks it up. Strings are dictionary-encoded here (batch-local ids -> store ids).

import type { DuckDBConnection } from '@duckdb/node-api';
import { type FlowBatch, STORAGE_COLUMNS, STORE } from '../../flow/index.js';
import { ChunkAppender } from './chunk-appender.js';

const DICT_COLUMNS = STORAGE_COLUMNS.filter((s) => s.physical === 'dict');

export interface FileIdentity {
  readonly path: string;
  readonly size: number;
  /** sha256 of the file's bytes, hex */
  readonly hash: string;
}

export interface IngestedFile extends FileIdentity {
  readonly id: number;
  readonly flows: number;
}

export class FlowWriter {
  private readonly dict = new Map<string, number>();
  private pendingDict: string[] = [];
  private nextDictId = 0;
  private nextFileId = 0;
  private appender: ChunkAppender | undefined;
  private fileId = -1;
  private flows = 0;

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly columnNames: readonly string[],
  ) {}

  /** Loads the dictionary and the next ids; the schema must exist (ensureSchema). */
  static async open(conn: DuckDBConnection): Promise<FlowWriter> {
    const cols = await conn.runAndReadAll(
      'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
      [STORE.table],
    );
    const w = new FlowWriter(conn, cols.getRows().map((r) => String(r[0])));
    const dict = await conn.runAndReadAll(`SELECT id, value FROM "${STORE.dict}"`);
    let max = 0;
    for (const [id, value] of dict.getRows()) {
      w.dict.set(String(value), Number(id));
      max = Math.max(max, Number(id));
    }
    w.nextDictId = max + 1;
    const files = await conn.runAndReadAll(`SELECT coalesce(max(id), 0) FROM "${STORE.files}"`);
    w.nextFileId = Number(files.getRows()[0]?.[0] ?? 0) + 1;
    return w;
  }

  /** The file already stored with these bytes (same size and hash), if any. */
  async findIngested(size: number, hash: string): Promise<IngestedFile | undefined> {
    const r = await this.conn.runAndReadAll(
      `SELECT id, path, size, hash, flows FROM "${STORE.files}" WHERE size = $1 AND hash = $2 LIMIT 1`,
      [size, hash],
    );
    const row = r.getRows()[0];
    if (row === undefined) return undefined;
    return { id: Number(row[0]), path: String(row[1]), size: Number(row[2]), hash: String(row[3]), flows: Number(row[4]) };
  }

  /** Starts a file's transaction. */
  async begin(): Promise<void> {
    if (this.appender !== undefined) throw new Error('a file is already being written');
    await this.conn.run('BEGIN TRANSACTION');
    this.fileId = this.nextFileId;
    this.flows = 0;
    this.pendingDict = [];
    this.appender = await ChunkAppender.open(this.conn, this.columnNames);
  }

  /** Appends a batch (its dict columns are rewritten to store ids in place). */
  append(batch: FlowBatch): void {
    if (this.appender === undefined) throw new Error('append() outside begin()/commit()');
    if (batch.length === 0) return;
    const ids = batch.strings.map((s) => this.dictId(s));
    if (ids.length > 0) {
      for (const s of DICT_COLUMNS) {
        const col = batch.data[s.name] as Uint32Array;
        for (let i = 0; i < batch.length; i++) col[i] = ids[col[i] as number] ?? 0;
      }
    }
    this.appender.append(batch, this.fileId);
    this.flows += batch.length;
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

  /** Records the file and commits everything written since begin(). */
  async commit(file: FileIdentity, rejected: number, now: Date): Promise<IngestedFile> {
    const appender = this.requireAppender();
    appender.close();
    this.appender = undefined;
    if (this.pendingDict.length > 0) {
      const a = await this.conn.createAppender(STORE.dict);
      for (const s of this.pendingDict) {
        a.appendUInteger(this.dict.get(s) as number);
        a.appendVarchar(s);
        a.endRow();
      }
      a.closeSync();
    }
    await this.conn.run(
      `INSERT INTO "${STORE.files}" VALUES ($1, $2, $3, $4, $5, $6, make_timestamp($7::BIGINT))`,
      [this.fileId, file.path, file.size, file.hash, this.flows, rejected, BigInt(now.getTime()) * 1000n],
    );
    await this.conn.run('COMMIT');
    this.nextFileId++;
    this.pendingDict = [];
    return { ...file, id: this.fileId, flows: this.flows };
  }

  /** Drops everything written since begin(); the store is as it was. */
  async rollback(): Promise<void> {
    try {
      this.appender?.close();
    } catch {
      // closing flushes; after a failed append the rollback below discards it anyway
    }
    this.appender = undefined;
    for (const s of this.pendingDict) this.dict.delete(s);
    this.nextDictId -= this.pendingDict.length;
    this.pendingDict = [];
    await this.conn.run('ROLLBACK');
  }

  private requireAppender(): ChunkAppender {
    if (this.appender === undefined) throw new Error('commit() without begin()');
    return this.appender;
  }
}
