// Appends FlowBatches to a store table (flow_core or flow_wide) with DuckDB's data-chunk calls:
// each typed array is copied into a vector as it is (no value-by-value appends), 2048 rows at a
// time. The batch is already in the store's layout (flow/storage.ts); only dictionary ids, the
// kind, the file id and unknown fields are filled in here. A table takes a row range of the
// batch: routeBatch() puts core flows first and wide flows after them.

import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import {
  type ColumnData,
  type FlowBatch,
  physicalWidth,
  STORAGE_COLUMNS,
  STORE,
  type StorageColumn,
} from '../../flow/index.js';

const CHUNK = duckdb.vector_size();

type Slot =
  | { readonly kind: 'field'; readonly s: StorageColumn; readonly width: number }
  | { readonly kind: 'dur' }
  | { readonly kind: 'pkt' }
  | { readonly kind: 'kind' }
  | { readonly kind: 'file' }
  | { readonly kind: 'extra' };

/** Maps each table column (in the table's own order) to what fills it. */
function slotsFor(columnNames: readonly string[]): Slot[] {
  const byName = new Map(STORAGE_COLUMNS.map((s) => [s.name, s]));
  const special = new Map<string, Slot>([
    [STORE.kindColumn, { kind: 'kind' }],
    [STORE.fileColumn, { kind: 'file' }],
    [STORE.extraColumn, { kind: 'extra' }],
    [STORE.durColumn, { kind: 'dur' }],
    [STORE.pktColumn, { kind: 'pkt' }],
  ]);
  return columnNames.map((name): Slot => {
    const slot = special.get(name);
    if (slot !== undefined) return slot;
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
  /** validity bits realigned to bit 0 when a range does not start on a byte */
  private readonly shifted = new Uint8Array(CHUNK / 8 + 1);
  private readonly extraValid = new Uint8Array(CHUNK / 8);

  private constructor(
    private readonly appender: DuckDBAppender,
    columnNames: readonly string[],
  ) {
    const types = Array.from(
      { length: appender.columnCount },
      (_, i) => appender.columnType(i).toLogicalType().logical_type,
    );
    this.native = duckdb.create_data_chunk(types);
    this.chunk = new DuckDBDataChunk(this.native);
    this.slots = slotsFor(columnNames);
  }

  /** Opens an appender on a store table; `columnNames` is the table's column order. */
  static async open(
    conn: DuckDBConnection,
    table: string,
    columnNames: readonly string[],
  ): Promise<ChunkAppender> {
    return new ChunkAppender(await conn.createAppender(table), columnNames);
  }

  /** Appends rows [from, to) of a batch whose dict columns already hold global dictionary ids. */
  append(batch: FlowBatch, fileId: number, from = 0, to = batch.length): void {
    this.fileIds.fill(fileId);
    for (let offset = from; offset < to; offset += CHUNK) {
      const n = Math.min(CHUNK, to - offset);
      duckdb.data_chunk_reset(this.native);
      for (let j = 0; j < this.slots.length; j++) {
        this.fill(duckdb.data_chunk_get_vector(this.native, j), this.slots[j] as Slot, batch, offset, n);
      }
      duckdb.data_chunk_set_size(this.native, n);
      this.appender.appendDataChunk(this.chunk);
    }
  }

  private fill(vector: duckdb.Vector, slot: Slot, batch: FlowBatch, offset: number, n: number): void {
    duckdb.vector_ensure_validity_writable(vector);
    switch (slot.kind) {
      case 'field': {
        const data = batch.data[slot.s.name] as ColumnData;
        copyData(vector, data, offset * slot.width, n * slot.width);
        this.copyValidity(vector, batch.valid[slot.s.name] as Uint8Array, offset, n);
        return;
      }
      case 'dur':
        copyData(vector, batch.dur, offset * 2, n * 2);
        this.copyValidity(vector, batch.valid.end as Uint8Array, offset, n);
        return;
      case 'pkt':
        copyData(vector, batch.hasPkt, offset, n);
        duckdb.copy_data_to_vector_validity(vector, 0, this.allValid.buffer, 0, Math.ceil(n / 8));
        return;
      case 'kind':
        copyData(vector, batch.kind, offset, n);
        duckdb.copy_data_to_vector_validity(vector, 0, this.allValid.buffer, 0, Math.ceil(n / 8));
        return;
      case 'file':
        duckdb.copy_data_to_vector(vector, 0, this.fileIds.buffer, 0, n * 4);
        duckdb.copy_data_to_vector_validity(vector, 0, this.allValid.buffer, 0, Math.ceil(n / 8));
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

  /** Validity of rows [offset, offset + n): straight from the batch when byte-aligned, else shifted. */
  private copyValidity(vector: duckdb.Vector, mask: Uint8Array, offset: number, n: number): void {
    const bytes = Math.ceil(n / 8);
    const bit = offset & 7;
    if (bit === 0) {
      duckdb.copy_data_to_vector_validity(
        vector,
        0,
        mask.buffer as ArrayBuffer,
        mask.byteOffset + offset / 8,
        bytes,
      );
      return;
    }
    const first = offset >> 3;
    for (let i = 0; i < bytes; i++) {
      const lo = (mask[first + i] as number) >> bit;
      const hi = ((mask[first + i + 1] ?? 0) << (8 - bit)) & 255;
      this.shifted[i] = lo | hi;
    }
    duckdb.copy_data_to_vector_validity(vector, 0, this.shifted.buffer, 0, bytes);
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

  /** Flushes what is buffered into the open transaction and closes. */
  close(): void {
    this.appender.closeSync();
  }

  /**
   * Drops what is buffered and closes, flushing nothing: after a failure DuckDB may already have
   * ended the transaction, and a flush would then commit those rows on its own.
   */
  discard(): void {
    try {
      this.appender.clear();
    } finally {
      this.appender.closeSync();
    }
  }
}

function copyData(vector: duckdb.Vector, data: ColumnData, byteStart: number, byteLength: number): void {
  duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset + byteStart, byteLength);
}
