// Correctness after a load: opens the database read-only and compares its flow count, OK count,
// byte and packet sums with the generator's manifest; and measures bytes per flow on disk.

import { existsSync, statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Manifest } from './dataset.js';

export interface Totals {
  readonly flows: number;
  readonly ok: number;
  readonly bytes: number;
  readonly packets: number;
}

export interface Check {
  readonly pass: boolean;
  readonly got: Totals;
  readonly want: Totals;
  /** what differs, empty on PASS */
  readonly diffs: readonly string[];
}

export async function readTotals(db: string, table: string, statusColumn: string): Promise<Totals> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    const r = await c.runAndReadAll(
      `SELECT count(*), count(*) FILTER (WHERE ${statusColumn} = 'OK'), coalesce(sum(bytes), 0), coalesce(sum(packets), 0) FROM ${table}`,
    );
    const [flows, ok, bytes, packets] = (r.getRowsJS()[0] ?? []).map((v) => Number(v));
    return { flows: flows ?? 0, ok: ok ?? 0, bytes: bytes ?? 0, packets: packets ?? 0 };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

export async function checkTotals(
  db: string,
  table: string,
  statusColumn: string,
  m: Manifest,
): Promise<Check> {
  const got = await readTotals(db, table, statusColumn);
  const want: Totals = {
    flows: m.totals.records,
    ok: m.totals.ok,
    bytes: m.totals.bytes,
    packets: m.totals.packets,
  };
  const diffs = (Object.keys(want) as (keyof Totals)[])
    .filter((k) => got[k] !== want[k])
    .map((k) => `${k} ${got[k]} != ${want[k]}`);
  return { pass: diffs.length === 0, got, want, diffs };
}

/** The database's size on disk (file plus any write-ahead log left behind). */
export function dbBytes(db: string): number {
  const wal = `${db}.wal`;
  return statSync(db).size + (existsSync(wal) ? statSync(wal).size : 0);
}
