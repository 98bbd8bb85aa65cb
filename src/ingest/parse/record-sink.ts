// The structured path: records that arrive as key/value objects (Parquet rows, JSON records)
// rather than text lines. Keys are AWS names (`log-status`) or SQL names (`log_status`). Each
// value is rendered to its text token and written by the same field handlers as the text path,
// so both paths validate exactly alike; numbers only need the rules text never meets
// (integral floats, account ids stored as int64).

import { type Column, columnBySql, type FlowBatch, TGW_ONLY_FIELDS } from '../../flow/index.js';
import { type BatchWriter, createBatchWriter, type Slot } from './batch-writer.js';
import { type CompiledField, compileField } from './fields.js';
import { createStats, type ParseStats, type StatsRecorder } from './stats.js';

/** values: string | number | bigint | null | undefined; anything else is invalid for a known field */
export type FlowRecord = Readonly<Record<string, unknown>>;

export interface StructuredRecords {
  push(record: FlowRecord, line: number): void;
}

interface KeyPlan {
  /** per key: its column and handler, or undefined for an unknown key (kept in `extra`) */
  readonly fields: readonly ({ readonly column: Column; readonly field: CompiledField } | undefined)[];
  readonly touched: readonly Slot[];
  /** keys naming TGW-only fields: a value in any of them makes the record a TGW one */
  readonly tgw: readonly number[];
  readonly duplicate: string | undefined;
  readonly known: number;
}

const TGW_ONLY = new Set(TGW_ONLY_FIELDS);
const MAX_PLANS = 256;

function plan(keys: readonly string[], w: BatchWriter): KeyPlan {
  const seen = new Set<string>();
  let duplicate: string | undefined;
  const touched: Slot[] = [];
  const tgw: number[] = [];
  const fields = keys.map((k, i) => {
    const column = columnBySql(k);
    if (column === undefined) return undefined;
    if (seen.has(column.aws)) duplicate ??= column.aws;
    seen.add(column.aws);
    if (TGW_ONLY.has(column.aws)) tgw.push(i);
    const field = compileField(column, w);
    touched.push(...field.slots);
    return { column, field };
  });
  return { fields, touched, tgw, duplicate, known: seen.size };
}

/** The text token a value stands for; undefined when the value can never be valid. */
function tokenOf(v: unknown, c: Column): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number' && typeof v !== 'bigint') return undefined;
  // Parquet stores account ids as int64: the zeros a 12-digit id starts with must come back.
  if (c.type === 'string' && c.aws.endsWith('account-id')) {
    return (typeof v === 'bigint' || Number.isInteger(v)) && v >= 0 ? String(v).padStart(12, '0') : undefined;
  }
  // An integral float (25238.0) is already the integer in JS; any other float prints with a `.`
  // or an exponent and fails the integer readers.
  return String(v);
}

function extraValue(v: unknown): string | null {
  if (v === null || v === undefined || v === '-') return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v, bigintAsText);
  return String(v);
}

function bigintAsText(_: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

const isNull = (v: unknown): boolean => v === null || v === undefined || v === '-';

export function createStructured(w: BatchWriter, rec: StatsRecorder): StructuredRecords {
  const plans = new Map<string, KeyPlan>();
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(256);

  const encode = (text: string): number => {
    if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 127) return encoder.encodeInto(text, scratch).written;
      scratch[i] = c;
    }
    return text.length;
  };
  const planFor = (keys: string[]): KeyPlan => {
    const id = keys.join('\n');
    let p = plans.get(id);
    if (p === undefined) {
      if (plans.size >= MAX_PLANS) plans.clear();
      p = plan(keys, w);
      plans.set(id, p);
    }
    return p;
  };

  const write = (p: KeyPlan, keys: readonly string[], record: FlowRecord): boolean => {
    const row = w.row;
    let extra: Record<string, string | null> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i] as string];
      const f = p.fields[i];
      if (f === undefined) {
        extra ??= {};
        extra[keys[i] as string] = extraValue(v);
        continue;
      }
      if (isNull(v)) continue;
      const token = tokenOf(v, f.column);
      if (token === undefined || !f.field.handle(scratch, 0, encode(token), row)) {
        w.rollback(p.touched);
        return false;
      }
    }
    if (extra !== undefined) w.setExtra(JSON.stringify(extra));
    w.commit(p.tgw.some((i) => !isNull(record[keys[i] as string])) ? 1 : 0);
    return true;
  };

  return {
    push(record, line) {
      rec.stats.lines++;
      const keys = Object.keys(record);
      const p = planFor(keys);
      const text = (): string => JSON.stringify(record, bigintAsText);
      if (p.duplicate !== undefined) rec.reject('duplicate-field', line, text);
      else if (p.known === 0) rec.reject('no-format', line, text);
      else if (!write(p, keys, record)) rec.reject('invalid-value', line, text);
    },
  };
}

export interface RecordSinkOptions {
  readonly source: string;
  readonly batchSize?: number;
  readonly allocate?: (capacity: number) => FlowBatch;
  readonly maxSamples?: number;
}

export interface RecordSink {
  push(record: FlowRecord, line: number): void;
  end(): void;
  readonly stats: ParseStats;
}

/** The structured path on its own, for sources that already hold records (Parquet rows). */
export function createRecordSink(opts: RecordSinkOptions, onBatch: (b: FlowBatch) => void): RecordSink {
  const rec = createStats(opts.source, opts.maxSamples);
  const w = createBatchWriter(opts.batchSize ?? 32768, rec.stats, onBatch, opts.allocate);
  const records = createStructured(w, rec);
  let ended = false;
  return {
    push(record, line) {
      if (ended) throw new Error('record pushed after end()');
      records.push(record, line);
    },
    end() {
      if (!ended) w.flush();
      ended = true;
    },
    stats: rec.stats,
  };
}
