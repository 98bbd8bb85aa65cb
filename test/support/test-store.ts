// Test support for the filter and analysis tests: an in-memory DuckDB holding the store as the
// engine defines it (flow_core, flow_wide, the flow_store view and the core view), each table
// with a test row id, the string dictionary, and the policy check's hourly rows. Flows go to flow_core when they fit it, as
// ingest routes them (flow/route-batch.ts), else to flow_wide. Runs a filter against the store
// and returns the `rid` of each selected flow.

import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  coreColumnDefs,
  coreViewSql,
  encodeProtocolSql,
  flowStoreViewSql,
  PARAM_TYPES,
  storeColumnDefs,
} from '../../src/engine/index.js';
import { CORE_COLUMNS, columnBySql, parseAddress, STORAGE_COLUMNS, STORE } from '../../src/flow/index.js';
import { HOURLY_TABLE, hourlyTable } from '../../src/policy/index.js';
import { duckdbDialect, render, type SqlNode } from '../../src/sql/index.js';

/** One hand-made flow: SQL field names with log-like values (addresses as text, `null` for `-`). */
export type TestFlow = { readonly rid: number; readonly kind?: 'vpc' | 'tgw' } & Readonly<
  Record<string, string | number | bigint | null | undefined>
>;

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const I64_MAX = 2n ** 63n - 1n;

/** CREATE TABLE text for a table in flow_wide's layout, plus a test row id. */
export function storeDdl(table: string = STORE.wide): string {
  const cols = storeColumnDefs().map(([name, type]) => `"${name}" ${type}`);
  return `CREATE OR REPLACE TABLE "${table}" (rid INTEGER, ${cols.join(', ')})`;
}

const STAGING = 'fs_test_flows';
const CORE_NAMES = new Set(CORE_COLUMNS.map((c) => c.name));

/** A flow fits flow_core (the rule of flow/route-batch.ts, in SQL over the staged flows). */
function fitsCore(): string {
  const wideOnly = STORAGE_COLUMNS.filter(
    (c) => !CORE_NAMES.has(c.name) && !['end', 'pkt_srcaddr_v4', 'pkt_dstaddr_v4'].includes(c.name),
  ).map((c) => `"${c.name}" IS NULL`);
  return [
    `"${STORE.kindColumn}" = 'vpc'`,
    `"${STORE.extraColumn}" IS NULL`,
    ...wideOnly,
    `((start IS NULL AND "end" IS NULL) OR ("end" >= start AND "end" - start <= 65535))`,
    `((pkt_srcaddr_v4 IS NULL AND pkt_dstaddr_v4 IS NULL) OR (pkt_srcaddr_v4 = srcaddr_v4 AND pkt_dstaddr_v4 = dstaddr_v4))`,
  ].join(' AND ');
}

/** Moves the staged flows into flow_core and flow_wide. */
function routeSql(): string {
  const core = coreColumnDefs().map(([n]) => n);
  const select = core.map((n) =>
    n === STORE.durColumn
      ? `CAST("end" - start AS USMALLINT)`
      : n === STORE.pktColumn
        ? 'pkt_srcaddr_v4 IS NOT NULL'
        : n === STORE.protoColumn
          ? encodeProtocolSql('protocol')
          : `"${n}"`,
  );
  const fits = `coalesce(${fitsCore()}, false)`;
  return [
    `INSERT INTO "${STORE.core}" (rid, ${core.map((n) => `"${n}"`).join(', ')}) SELECT rid, ${select.join(', ')} FROM "${STAGING}" WHERE ${fits};`,
    `INSERT INTO "${STORE.wide}" SELECT * FROM "${STAGING}" WHERE NOT ${fits};`,
  ].join('\n');
}

function literal(v: number | bigint | string): string {
  if (typeof v === 'string') return quote(v);
  return typeof v === 'bigint' && v > I64_MAX ? `CAST('${v}' AS UHUGEINT)` : String(v);
}

/** Storage column -> SQL literal for one flow; strings get dictionary ids from `dict`. */
function row(f: TestFlow, dict: Map<string, number>): Map<string, string> {
  const out = new Map<string, string>([
    ['rid', String(f.rid)],
    [STORE.kindColumn, quote(f.kind ?? 'vpc')],
  ]);
  for (const [name, v] of Object.entries(f)) {
    const c = columnBySql(name);
    if (c === undefined || v === undefined || v === null) continue;
    if (c.type === 'ip') {
      const a = parseAddress(String(v));
      if (a === undefined) throw new Error(`test flow ${f.rid}: bad address ${String(v)}`);
      out.set(`${c.sql}_${a.family}`, a.family === 'v4' ? String(a.value) : literal(a.value));
    } else if (c.type === 'string') {
      const text = String(v);
      if (!dict.has(text)) dict.set(text, dict.size + 1);
      out.set(c.sql, String(dict.get(text)));
    } else out.set(c.sql, literal(v));
  }
  return out;
}

export interface TestStore {
  readonly connection: DuckDBConnection;
  /** replaces the flows (and the dictionary) */
  load(flows: readonly TestFlow[]): Promise<void>;
  /** rids of the flows the predicate selects, ascending; the store is aliased `f` */
  select(where: SqlNode): Promise<number[]>;
  /** runs a whole query tree (bound values typed as the engine types them) and returns its rows */
  query(node: SqlNode): Promise<Record<string, unknown>[]>;
  close(): void;
}

const bound = (types: readonly (keyof typeof PARAM_TYPES | undefined)[]) =>
  types.map((t) => (t === undefined ? undefined : PARAM_TYPES[t]));

export async function createTestStore(): Promise<TestStore> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(storeDdl(STORE.wide));
  await connection.run(storeDdl(STAGING));
  const core = coreColumnDefs().map(([name, type]) => `"${name}" ${type}`);
  await connection.run(`CREATE TABLE "${STORE.core}" (rid INTEGER, ${core.join(', ')})`);
  await connection.run(flowStoreViewSql());
  await connection.run(coreViewSql());
  await connection.run(`CREATE TABLE "${STORE.dict}" (id UINTEGER, value VARCHAR)`);
  return {
    connection,
    async load(flows) {
      const dict = new Map<string, number>();
      const rows = flows.map((f) => row(f, dict));
      const names = [...new Set(rows.flatMap((r) => [...r.keys()]))];
      const tuples = rows.map((r) => `(${names.map((n) => r.get(n) ?? 'NULL').join(', ')})`);
      await connection.run(
        `DELETE FROM "${STAGING}"; DELETE FROM "${STORE.core}"; DELETE FROM "${STORE.wide}"; DELETE FROM "${STORE.dict}"`,
      );
      if (tuples.length > 0) {
        const columns = names.map((n) => `"${n}"`).join(', ');
        await connection.run(`INSERT INTO "${STAGING}" (${columns}) VALUES ${tuples.join(', ')}`);
        await connection.run(routeSql());
      }
      const entries = [...dict].map(([text, id]) => `(${id}, ${quote(text)})`);
      if (entries.length > 0)
        await connection.run(`INSERT INTO "${STORE.dict}" VALUES ${entries.join(', ')}`);
      // the policy check's hourly rows, as ingest keeps them
      await connection.run(`DROP TABLE IF EXISTS "${HOURLY_TABLE}"`);
      // all of them, whether or not they sum the flows up (ingest keeps them only where they do)
      await connection.run(render(hourlyTable.stage(), duckdbDialect).text);
      await connection.run(render(hourlyTable.create(true), duckdbDialect).text);
      await connection.run(render(hourlyTable.unstage(), duckdbDialect).text);
    },
    async select(where) {
      const { text, params, types } = render(where, duckdbDialect);
      const sqlText = `SELECT f.rid FROM "${STORE.table}" AS f WHERE ${text} ORDER BY f.rid`;
      const reader = await connection.runAndReadAll(sqlText, params as never, bound(types) as never);
      return reader.getRows().map((r) => Number(r[0]));
    },
    async query(node) {
      const { text, params, types } = render(node, duckdbDialect);
      return (await connection.runAndReadAll(text, params as never, bound(types) as never)).getRowObjectsJS();
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
