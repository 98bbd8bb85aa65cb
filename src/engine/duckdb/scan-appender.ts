// Loads FlowBatches into a store table through INSERT ... SELECT, not through DuckDB's appender.
// Rows are staged in typed arrays here; when the stage is full, one INSERT reads it back through a
// table function (`INSERT INTO t SELECT * FROM fs_stage_<table>_<n>()`) that copies each 2048-row
// slice of the stage into DuckDB's vectors. Why: an appender's rows stay uncompressed in the
// transaction (~300 B per flow) until COMMIT, so a transaction of two 250 k-line files held
// 160-240 MB; an INSERT writes full row groups to the file compressed as it goes ("optimistic
// writes"), and the transaction holds only the stage. The compression also moves off this thread
// onto DuckDB's. See docs/specs/ingest.md ("Loading through a scan").

import { type DuckDBConnection, DuckDBTableFunction } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import {
  type FlowBatch,
  PROTOCOL_ENCODE,
  physicalWidth,
  type ReorderStage,
  STORAGE_COLUMNS,
  STORE,
  type StorageColumn,
} from '../../flow/index.js';

/** One table column's stage: its bytes and validity bits, as the table's physical layout. */
interface Staged {
  readonly fill: Fill;
  readonly width: number;
  readonly data: Uint8Array;
  /** undefined: always valid */
  readonly valid: Uint8Array | undefined;
}

type Fill =
  | { readonly kind: 'field'; readonly s: StorageColumn }
  | { readonly kind: 'dur' }
  | { readonly kind: 'pkt' }
  | { readonly kind: 'proto' }
  | { readonly kind: 'kind' }
  | { readonly kind: 'file' }
  | { readonly kind: 'extra' };

function fillsFor(columnNames: readonly string[]): Fill[] {
  const byName = new Map(STORAGE_COLUMNS.map((s) => [s.name, s]));
  const special = new Map<string, Fill>([
    [STORE.kindColumn, { kind: 'kind' }],
    [STORE.fileColumn, { kind: 'file' }],
    [STORE.extraColumn, { kind: 'extra' }],
    [STORE.durColumn, { kind: 'dur' }],
    [STORE.pktColumn, { kind: 'pkt' }],
    [STORE.protoColumn, { kind: 'proto' }],
  ]);
  return columnNames.map((name): Fill => {
    const f = special.get(name);
    if (f !== undefined) return f;
    const s = byName.get(name);
    if (s === undefined) throw new Error(`store column ${name} is not in the storage layout`);
    return { kind: 'field', s };
  });
}

function widthOf(f: Fill): number {
  switch (f.kind) {
    case 'field':
      return physicalWidth(f.s.physical);
    case 'dur':
      return 2;
    case 'file':
      return 4;
    case 'extra':
      return 0;
    default:
      return 1; // pkt, kind
  }
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Copies n bits from src (starting at bit s) into dst (starting at bit d), bit i of byte i>>3
 * as DuckDB and FlowBatch lay them out. Bits of dst outside [d, d + n) are kept.
 */
export function copyBits(src: Uint8Array, s: number, dst: Uint8Array, d: number, n: number): void {
  let i = 0;
  // head: up to the next byte boundary of dst, bit by bit
  while (i < n && ((d + i) & 7) !== 0) {
    setBit(dst, d + i, getBit(src, s + i));
    i++;
  }
  // whole bytes of dst
  const shift = (s + i) & 7;
  while (n - i >= 8) {
    const at = (s + i) >> 3;
    const lo = (src[at] as number) >> shift;
    const hi = shift === 0 ? 0 : ((src[at + 1] ?? 0) << (8 - shift)) & 255;
    dst[(d + i) >> 3] = lo | hi;
    i += 8;
  }
  for (; i < n; i++) setBit(dst, d + i, getBit(src, s + i));
}

/** Whether bits [from, from + n) of mask are all set. */
export function allSet(mask: Uint8Array, from: number, n: number): boolean {
  let i = from;
  const end = from + n;
  for (; i < end && (i & 7) !== 0; i++) if (!getBit(mask, i)) return false;
  for (; i + 8 <= end; i += 8) if (mask[i >> 3] !== 255) return false;
  for (; i < end; i++) if (!getBit(mask, i)) return false;
  return true;
}

const getBit = (a: Uint8Array, i: number): boolean => (((a[i >> 3] as number) >> (i & 7)) & 1) === 1;
function setBit(a: Uint8Array, i: number, on: boolean): void {
  const b = i >> 3;
  const m = 1 << (i & 7);
  a[b] = on ? (a[b] as number) | m : (a[b] as number) & ~m;
}

let registered = 0;

/**
 * A table function registered on a connection, and the stage it reads now. DuckDB keeps each
 * table function for the connection's life, so the functions of a released appender are handed
 * to the next one on the same connection (a `serve --ingest` store loads every few minutes for
 * weeks) instead of registering new ones each run.
 */
interface Slot {
  readonly fn: string;
  /** the columns and types it binds (a table whose columns changed gets new functions) */
  readonly columns: string;
  current: { readonly appender: ScanAppender; readonly stage: Stage } | undefined;
}

const slots = new WeakMap<DuckDBConnection, Slot[]>();

/** Rows staged for one INSERT, and the scalar function that reads them. */
interface Stage {
  readonly staged: Staged[];
  /** unknown fields by staged row */
  readonly extra: Map<number, string>;
  length: number;
  /** rows the running INSERT has read */
  read: number;
  readonly fn: string;
}

export class ScanAppender {
  private readonly stages: Stage[];
  /** the stage rows go to now */
  private cur = 0;
  /** appends waiting for a stage, in order: each runs after the one before it */
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** the last INSERT queued, while rows fill the next stage */
  private inflight: Promise<void> | undefined;
  /** by stage: its INSERT, until rows go to it again */
  private readonly busy: (Promise<void> | undefined)[] = [];
  /** validity realigned to bit 0 when a slice does not start on a byte */
  private readonly shifted: Uint8Array;
  private fileIds = new Uint32Array(0);
  /** the table functions its stages are read by, given back by release() */
  private readonly slots: Slot[] = [];
  /** rows per chunk */
  private readonly vector: number;
  /** the stage's insert order, and the columns it reads */
  private readonly order:
    | { readonly reorder: ReorderStage; readonly keys: readonly [number, number, number] }
    | undefined;

  private constructor(
    private readonly conn: DuckDBConnection,
    columnNames: readonly string[],
    private readonly capacity: number,
    types: readonly duckdb.LogicalType[],
    private readonly table: string,
    stages: number,
    reorder: ReorderStage | undefined,
    /** the table's columns and types: what a stage function binds */
    private readonly signature: string,
  ) {
    const vector = duckdb.vector_size();
    this.vector = vector;
    this.shifted = new Uint8Array(vector / 8 + 1);
    const fills = fillsFor(columnNames);
    this.stages = Array.from({ length: stages }, () => this.newStage(fills, columnNames, types));
    const keys = ['interface_id', 'srcaddr_v4', 'dstaddr_v4'].map((c) => columnNames.indexOf(c));
    this.order =
      reorder === undefined || keys.some((k) => k < 0)
        ? undefined
        : { reorder, keys: keys as unknown as readonly [number, number, number] };
  }

  private newStage(
    fills: readonly Fill[],
    columnNames: readonly string[],
    types: readonly duckdb.LogicalType[],
  ): Stage {
    const signature = this.signature;
    const onConn = slots.get(this.conn) ?? [];
    slots.set(this.conn, onConn);
    const free = onConn.find((x) => x.current === undefined && x.columns === signature);
    const slot: Slot = free ?? {
      fn: `fs_stage_${this.table}_${registered++}`,
      columns: signature,
      current: undefined,
    };
    const stage: Stage = {
      staged: fills.map((fill) => {
        const width = widthOf(fill);
        const alwaysValid = fill.kind === 'pkt' || fill.kind === 'kind' || fill.kind === 'file';
        return {
          fill,
          width,
          data: new Uint8Array(this.capacity * width),
          valid: alwaysValid ? undefined : new Uint8Array(Math.ceil(this.capacity / 8) + 1),
        };
      }),
      extra: new Map(),
      length: 0,
      read: 0,
      fn: slot.fn,
    };
    slot.current = { appender: this, stage };
    this.slots.push(slot);
    if (free !== undefined) return stage;
    onConn.push(slot);
    // A table function, not a scalar one over range(n) unnested: DuckDB then reads the staged
    // columns straight into its chunks (122,880 rows of 29 columns: 89-100 ms against 113-141)
    const f = new DuckDBTableFunction();
    const tf = f.table_function;
    duckdb.table_function_set_name(tf, slot.fn);
    duckdb.table_function_set_bind(tf, (info) => {
      columnNames.forEach((name, k) => {
        duckdb.bind_add_result_column(info, name, types[k] as duckdb.LogicalType);
      });
    });
    duckdb.table_function_set_init(tf, () => {
      if (slot.current !== undefined) slot.current.stage.read = 0;
    });
    duckdb.table_function_set_function(tf, (info, output) => {
      try {
        const c = slot.current;
        if (c === undefined) throw new Error(`${slot.fn} was read after its writer let it go`);
        c.appender.scan(c.stage, output);
      } catch (e) {
        duckdb.function_set_error(info, String((e as Error)?.message ?? e));
      }
    });
    this.conn.registerTableFunction(f);
    return stage;
  }

  /**
   * A stage for one table on this connection. `capacity` rows are staged before an INSERT:
   * a multiple of DuckDB's row group (122,880 rows) keeps the row groups whole. With two
   * `stages`, rows fill one while the other's INSERT runs (the parse workers are not held back
   * by it), at twice the memory.
   */
  static async open(
    conn: DuckDBConnection,
    table: string,
    columnNames: readonly string[],
    capacity: number,
    stages = 1,
    /** puts each stage in insert order before its INSERT (a table without the key columns: never) */
    reorder?: ReorderStage,
  ): Promise<ScanAppender> {
    const probe = await conn.run(
      `SELECT ${columnNames.map((n) => `"${n}"`).join(', ')} FROM "${table}" LIMIT 0`,
    );
    const columnTypes = probe.columnTypes();
    const types = columnTypes.map((t) => t.toLogicalType().logical_type);
    const signature = `${table}(${columnNames.map((n, k) => `${n} ${columnTypes[k]?.toString()}`).join(', ')})`;
    return new ScanAppender(conn, columnNames, capacity, types, table, stages, reorder, signature);
  }

  /**
   * Stages rows [from, to) of a batch whose dict columns already hold store ids. Returns a
   * promise when the rows wait for (or start) an INSERT: the batch must not change until it
   * settles. Appends run in call order.
   */
  append(batch: FlowBatch, fileId: number, from: number, to: number): Promise<void> | undefined {
    const st = this.stages[this.cur] as Stage;
    if (this.waiting === 0 && st.length + (to - from) < this.capacity) {
      this.stage(st, batch, fileId, from, to - from);
      return undefined;
    }
    this.waiting++;
    const run = this.tail.then(() => this.appendAll(batch, fileId, from, to));
    const settled = run.finally(() => {
      this.waiting--;
    });
    this.tail = settled.catch(() => {});
    return settled;
  }

  private async appendAll(batch: FlowBatch, fileId: number, from: number, to: number): Promise<void> {
    let at = from;
    while (at < to) {
      const st = this.stages[this.cur] as Stage;
      const n = Math.min(to - at, this.capacity - st.length);
      this.stage(st, batch, fileId, at, n);
      at += n;
      if (st.length === this.capacity) await this.rotate();
    }
  }

  /**
   * The current stage is full: its INSERT is queued after the last one, and rows go to the next
   * stage once that one's INSERT has ended.
   */
  private async rotate(): Promise<void> {
    const k = this.cur;
    const st = this.stages[k] as Stage;
    this.reorder(st); // while the INSERT before it runs
    const before = this.inflight;
    const run = (async () => {
      await before; // an earlier INSERT's failure fails this one, and the append that waits on it
      await this.insert(st);
    })();
    if (this.stages.length === 1) {
      this.inflight = undefined;
      return run;
    }
    run.catch(() => {}); // seen by a later rotate(), flush() or discard()
    this.inflight = run;
    this.busy[k] = run;
    this.cur = (k + 1) % this.stages.length;
    const next = this.busy[this.cur];
    this.busy[this.cur] = undefined;
    await next;
  }

  /** Inserts what is staged (after the appends and the INSERT before it). */
  async flush(): Promise<void> {
    await this.tail;
    const st = this.stages[this.cur] as Stage;
    this.reorder(st); // while the INSERT before it runs
    const before = this.inflight;
    this.inflight = undefined;
    this.busy.length = 0; // each INSERT queued waits for the one before it: the last one covers all
    await before;
    if (st.length > 0) await this.insert(st);
  }

  /** Forgets what is staged; appends still queued stage nothing. */
  async discard(): Promise<void> {
    await this.tail;
    const before = this.inflight;
    this.inflight = undefined;
    this.busy.length = 0;
    await before?.catch(() => {});
    for (const st of this.stages) {
      st.length = 0;
      st.extra.clear();
    }
  }

  /**
   * Lets go of the staged columns' memory (about 30 MB a stage) once the writer is done: DuckDB
   * keeps each scan function it was given, and the function its stage, for the connection's life,
   * so a connection that loads again and again (`serve --ingest`) would keep every run's stages.
   */
  async release(): Promise<void> {
    await this.discard();
    for (const st of this.stages) st.staged.length = 0;
    this.fileIds = new Uint32Array(0);
    for (const slot of this.slots) slot.current = undefined;
  }

  /** Puts the stage's rows in insert order, unknown fields along. */
  private reorder(st: Stage): void {
    const o = this.order;
    if (o === undefined || st.length < 2) return;
    const perm = o.reorder({
      n: st.length,
      columns: st.staged,
      iface: o.keys[0],
      src: o.keys[1],
      dst: o.keys[2],
    });
    if (st.extra.size > 0) {
      const old = new Map(st.extra);
      st.extra.clear();
      for (let i = 0; i < perm.length; i++) {
        const text = old.get(perm[i] as number);
        if (text !== undefined) st.extra.set(i, text);
      }
    }
  }

  private async insert(st: Stage): Promise<void> {
    try {
      await this.conn.run(`INSERT INTO "${this.table}" SELECT * FROM ${st.fn}()`);
    } finally {
      st.length = 0;
      st.extra.clear();
    }
  }

  private stage(st: Stage, batch: FlowBatch, fileId: number, from: number, n: number): void {
    const at = st.length;
    for (const c of st.staged) {
      const f = c.fill;
      switch (f.kind) {
        case 'field': {
          const src = bytesOf(batch.data[f.s.name] as ArrayBufferView);
          c.data.set(src.subarray(from * c.width, (from + n) * c.width), at * c.width);
          copyBits(batch.valid[f.s.name] as Uint8Array, from, c.valid as Uint8Array, at, n);
          break;
        }
        case 'dur':
          c.data.set(bytesOf(batch.dur).subarray(from * 2, (from + n) * 2), at * 2);
          copyBits(batch.valid.end as Uint8Array, from, c.valid as Uint8Array, at, n);
          break;
        case 'pkt':
          c.data.set(batch.hasPkt.subarray(from, from + n), at);
          break;
        case 'proto': {
          const src = batch.data.protocol as Uint8Array;
          const dst = c.data;
          for (let i = 0; i < n; i++) dst[at + i] = PROTOCOL_ENCODE[src[from + i] as number] as number;
          copyBits(batch.valid.protocol as Uint8Array, from, c.valid as Uint8Array, at, n);
          break;
        }
        case 'kind':
          c.data.set(batch.kind.subarray(from, from + n), at);
          break;
        case 'file': {
          if (this.fileIds.length < n) this.fileIds = new Uint32Array(Math.max(n, 4096));
          this.fileIds.fill(fileId, 0, n);
          c.data.set(bytesOf(this.fileIds).subarray(0, n * 4), at * 4);
          break;
        }
        case 'extra': {
          const valid = c.valid as Uint8Array;
          for (let i = 0; i < n; i++) {
            const text = batch.extra.size > 0 ? batch.extra.get(from + i) : undefined;
            setBit(valid, at + i, text !== undefined);
            if (text !== undefined) st.extra.set(at + i, text);
          }
          break;
        }
        default: {
          const never: never = f;
          throw new Error(`unhandled stage ${JSON.stringify(never)}`);
        }
      }
    }
    st.length = at + n;
  }

  /** The table function: the next run of staged rows into the chunk's vectors; 0 rows when all were read. */
  private scan(st: Stage, output: duckdb.DataChunk): void {
    const first = st.read;
    const n = Math.min(this.vector, st.length - first);
    if (n <= 0) {
      duckdb.data_chunk_set_size(output, 0);
      return;
    }
    for (let k = 0; k < st.staged.length; k++) {
      const c = st.staged[k] as Staged;
      const child = duckdb.data_chunk_get_vector(output, k);
      // a run with no NULL leaves the vector without a validity mask: DuckDB then appends it
      // without reading bits (ValidityAppend was 2% of the ingest's CPU with every mask written)
      const mask = c.valid !== undefined && !allSet(c.valid, first, n) ? c.valid : undefined;
      if (mask !== undefined) duckdb.vector_ensure_validity_writable(child);
      if (c.fill.kind === 'extra') {
        for (let i = 0; i < n; i++) {
          const text = st.extra.get(first + i);
          if (text !== undefined) duckdb.vector_assign_string_element(child, i, text);
        }
      } else {
        duckdb.copy_data_to_vector(
          child,
          0,
          c.data.buffer as ArrayBuffer,
          c.data.byteOffset + first * c.width,
          n * c.width,
        );
      }
      if (mask !== undefined) this.copyValidity(child, mask, first, n);
    }
    duckdb.data_chunk_set_size(output, n);
    st.read = first + n;
  }

  private copyValidity(vector: duckdb.Vector, mask: Uint8Array, offset: number, n: number): void {
    const bytes = Math.ceil(n / 8);
    if ((offset & 7) === 0) {
      duckdb.copy_data_to_vector_validity(
        vector,
        0,
        mask.buffer as ArrayBuffer,
        mask.byteOffset + offset / 8,
        bytes,
      );
      return;
    }
    this.shifted.fill(0);
    copyBits(mask, offset, this.shifted, 0, n);
    duckdb.copy_data_to_vector_validity(vector, 0, this.shifted.buffer as ArrayBuffer, 0, bytes);
  }
}
