// Test helpers for this folder only (never imported by the parser): run the parser over text
// in chosen chunks and read the batches back as plain flows a test can compare.

import {
  type FlowBatch,
  formatIPv4,
  formatIPv6,
  isValid,
  KIND_VALUES,
  readValue,
  STORAGE_COLUMNS,
} from '../../flow/index.js';
import { createParser, type ParserOptions } from './parser.js';
import type { ParseStats } from './stats.js';

export type Value = string | number | bigint | null;

export interface ReadFlow {
  readonly kind: 'vpc' | 'tgw';
  /** non-NULL fields by AWS name; addresses as text (IPv4 dotted, IPv6 RFC 5952) */
  readonly fields: Readonly<Record<string, Value>>;
  /** every storage column by store name, NULL included */
  readonly storage: Readonly<Record<string, Value>>;
  readonly extra: Readonly<Record<string, string | null>> | undefined;
}

export interface Parsed {
  readonly flows: ReadFlow[];
  readonly stats: ParseStats;
  readonly batches: FlowBatch[];
}

const encoder = new TextEncoder();

/** One flow of a batch, read back column by column. */
export function readFlow(b: FlowBatch, row: number): ReadFlow {
  const fields: Record<string, Value> = {};
  const storage: Record<string, Value> = {};
  for (const s of STORAGE_COLUMNS) {
    const v = readValue(b, s, row);
    storage[s.name] = v;
    if (v === null) continue;
    if (s.family === 'v4') fields[s.column.aws] = formatIPv4(v as number);
    else if (s.family === 'v6') fields[s.column.aws] = formatIPv6(v as bigint);
    else fields[s.column.aws] = v;
  }
  const extra = b.extra.get(row);
  return {
    kind: KIND_VALUES[b.kind[row] as number] as 'vpc' | 'tgw',
    fields,
    storage,
    extra: extra === undefined ? undefined : (JSON.parse(extra) as Record<string, string | null>),
  };
}

export function readBatches(batches: readonly FlowBatch[]): ReadFlow[] {
  return batches.flatMap((b) => Array.from({ length: b.length }, (_, r) => readFlow(b, r)));
}

/** Cuts bytes at the given offsets (sorted, deduplicated, out-of-range ones ignored). */
export function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const points = [...new Set(at.filter((p) => p > 0 && p < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** Parses text or bytes, pushed in pieces cut at `cuts` (one piece when omitted). */
export function parse(
  input: string | Uint8Array,
  opts: Partial<ParserOptions> = {},
  cuts: readonly number[] = [],
): Parsed {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const batches: FlowBatch[] = [];
  // Small batches keep the many parses of a property test cheap.
  const p = createParser({ source: 'test.log', batchSize: 256, ...opts }, (b) => batches.push(b));
  for (const c of cut(bytes, cuts)) p.push(c);
  p.end();
  return { flows: readBatches(batches), stats: p.stats, batches };
}

/** True when the storage column holds a value at the row (for NULL checks on raw storage). */
export function present(b: FlowBatch, storageName: string, row: number): boolean {
  const mask = b.valid[storageName];
  if (mask === undefined) throw new Error(`no storage column ${storageName}`);
  return isValid(mask, row);
}
