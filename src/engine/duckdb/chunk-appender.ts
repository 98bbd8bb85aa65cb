// Appends FlowBatches to the store table with DuckDB's data-chunk calls: each typed array is
// copied into a vector as it is (no value-by-value appends), 2048 rows at a time. The batch is
// already in the store's layout (flow/storage.ts); only dictionary ids, the kind, the file id and
// unknown fields are filled in here.

import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { type ColumnData, type FlowBatch, STORAGE_COLUMNS, STORE, type StorageColumn, physicalWidth } from '../../flow/index.js';

const CHUNK = duckdb.vector_size();

type Slot =
  | { readonly kind: 'field'; readonly s: StorageColumn; readonly width: number }
  | { readonly kind: 'kind' }
  | { readonly kind: 'file' }
  | { readonly kind: 'extra' };

/** Maps each table column (in the table's own order) to what fills it. */
function slotsFor(columnNames: readonly string[]): Slot[] {
  const byName = new Map(STORAGE_COLUMNS.map((s) => [s.name, s]));
  return columnNames.map((name): Slot => {
    if (name === STORE.kindColumn) return { kind: 'kind' };
    if (name === STORE.fileColumn) return { kind: 'file' };
    if (name === STORE.extraColumn) return { kind: 'extra' };
    const s = byName.get(name);
    if (s === undefined) throw new Error(`store column ${name} is not in the storage layout`);
    return { kind: 'field', s, width: physicalWidth(s.physical) };
  });
}

export class ChunkAppender {
  private readonly chunk: DuckDBDataChunk;
  private readonly native: duckdb.DataChunk;
  private readonly slots: Slot[];
  private readonly fileIds = new Uint32Array(CHUNK);
  private readonly allValid = new Uint8Array(CHUNK / 8).fill(255);
  private readonly extraValid = new Uint8Array(CHUNK / 8);

  private constructor(
    private readonly appender: DuckDBAppender,
    columnNames: readonly string[],
  ) {
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i).toLogicalType().logical_type);
    this.native = duckdb.create_data_chunk(types);
    this.chunk = new DuckDBDataChunk(this.native);
    this.slots = slotsFor(columnNames);
  }

  /** Opens an appender on the store table; `columnNames` is the table's column order. */
  static async open(conn: DuckDBConnection, columnNames: readonly string[]): Promise<ChunkAppender> {
    return new ChunkAppender(await conn.createAppender(STORE.table), columnNames);
  }

  /** Appends a batch whose dict columns already hold global dictionary ids. */
  append(batch: FlowBatch, fileId: number): void {
    this.fileIds.fill(fileId);
    for (let offset = 0; offset < batch.length; offset += CHUNK) {
      const n = Math.min(CHUNK, batch.length - offset);
      duckdb.data_chunk_reset(this.native);
      this.slots.forEach((slot, j) => this.fill(duckdb.data_chunk_get_vector(this.native, j), slot, batch, offset, n));
      duckdb.data_chunk_set_size(this.native, n);
      this.appender.appendDataChunk(this.chunk);
    }
  }

  private fill(vector: duckdb.Vector, slot: Slot, batch: FlowBatch, offset: number, n: number): void {
    const validBytes = Math.ceil(n / 8);
    duckdb.vector_ensure_validity_writable(vector);
    switch (slot.kind) {
      case 'field': {
        const data = batch.data[slot.s.name] as ColumnData;
        const valid = batch.valid[slot.s.name] as Uint8Array;
        duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset + offset * slot.width, n * slot.width);
        duckdb.copy_data_to_vector_validity(vector, 0, valid.buffer as ArrayBuffer, valid.byteOffset + offset / 8, validBytes);
        return;
      }
      case 'kind':
        duckdb.copy_data_to_vector(vector, 0, batch.kind.buffer as ArrayBuffer, batch.kind.byteOffset + offset, n);
        duckdb.copy_data_to_vector_validity(vector, 0, this.allValid.buffer, 0, validBytes);
        return;
      case 'file':
        duckdb.copy_data_to_vector(vector, 0, this.fileIds.buffer, 0, n * 4);
        duckdb.copy_data_to_vector_validity(vector, 0, this.allValid.buffer, 0, validBytes);
        return;
      case 'extra':
        this.fillExtra(vector, batch, offset, n);
        return;
      default: {
        const never: never = slot;
        throw new Error(`unhandled slot ${JSON.stringify(never)}`);
      }
    }
  }

  private fillExtra(vector: duckdb.Vector, batch: FlowBatch, offset: number, n: number): void {
    this.extraValid.fill(0);
    if (batch.extra.size > 0) {
      for (let i = 0; i < n; i++) {
        const text = batch.extra.get(offset + i);
        if (text === undefined) continue;
        duckdb.vector_assign_string_element(vector, i, text);
        this.extraValid[i >> 3] = (this.extraValid[i >> 3] as number) | (1 << (i & 7));
      }
    }
    duckdb.copy_data_to_vector_validity(vector, 0, this.extraValid.buffer, 0, Math.ceil(n / 8));
  }

  close(): void {
    this.appender.closeSync();
  }
}
