// The DuckDB store's schema, derived from the storage layout (flow/storage.ts). ensureSchema()
// converges: it creates what is missing, adds columns and enum values a newer flowsight knows, and
// replaces the macros and the `flows` view; it is safe at every start and never drops data.

import type { DuckDBConnection } from '@duckdb/node-api';
import {
  COLUMNS,
  CORE_COLUMNS,
  KIND_VALUES,
  type Physical,
  protocolCaseSql,
  STORAGE_COLUMNS,
  STORE,
  type StorageColumn,
  storageColumnsOf,
} from '../../flow/index.js';

const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

function enumType(values: readonly string[]): string {
  return `ENUM(${values.map(lit).join(', ')})`;
}

const PHYSICAL: Readonly<Record<Exclude<Physical, 'enum'>, string>> = {
  u8: 'UTINYINT',
  u16: 'USMALLINT',
  u32: 'UINTEGER',
  i64: 'BIGINT',
  u128: 'UHUGEINT',
  dict: 'UINTEGER',
};

/** The DuckDB type of a storage column. */
export function duckdbType(s: StorageColumn): string {
  return s.physical === 'enum' ? enumType(s.column.values ?? []) : PHYSICAL[s.physical];
}

type ColumnDefs = readonly (readonly [name: string, type: string])[];

/** flow_wide's columns (and flow_store's, as the view shows them): kind, file, the fields, unknown fields. */
export function storeColumnDefs(): ColumnDefs {
  return [
    [STORE.kindColumn, enumType(KIND_VALUES)],
    [STORE.fileColumn, 'UINTEGER'],
    ...STORAGE_COLUMNS.map((s) => [s.name, duckdbType(s)] as const),
    [STORE.extraColumn, 'VARCHAR'],
  ];
}

/**
 * RFC 5952 text for a UHUGEINT: eight hex words, the longest run (>= 2) of zero words as `::`.
 * Lambdas bind the word string once: macro parameters are substituted textually, and nesting
 * them multiplied the expression until binding one query took 100 ms.
 */
function ipv6Macro(): string {
  const words = Array.from(
    { length: 8 },
    (_, i) => `lower(printf('%x', CAST((a >> ${112 - i * 16}) & 65535 AS INTEGER)))`,
  );
  const colons = `':' || ${words.join(" || ':' || ")} || ':'`;
  // longest run first; regexp_replace without 'g' replaces the first (leftmost) run, as RFC 5952 asks
  const cases = [8, 7, 6, 5, 4, 3, 2]
    .map((k) => `WHEN contains(s, '${':0'.repeat(k)}:') THEN regexp_replace(s, '${':0'.repeat(k)}:', '::')`)
    .join(' ');
  const trimmed = "CASE WHEN starts_with(c, '::') THEN c ELSE c[2:] END";
  const compact = `list_transform([${trimmed}], t -> CASE WHEN ends_with(t, '::') THEN t ELSE t[:-2] END)[1]`;
  const collapse = `list_transform([CASE ${cases} ELSE s END], c -> ${compact})[1]`;
  return `CREATE OR REPLACE MACRO fs_ipv6_text(a) AS CASE WHEN a IS NULL THEN NULL ELSE list_transform([${colons}], s -> ${collapse})[1] END`;
}

const IPV4_MACRO =
  'CREATE OR REPLACE MACRO fs_ipv4_text(a) AS CASE WHEN a IS NULL THEN NULL ELSE ' +
  "concat((a >> 24) & 255, '.', (a >> 16) & 255, '.', (a >> 8) & 255, '.', a & 255) END";

/** The `flows` view: what users and `flowsight sql` see (text addresses, timestamps, strings). */
export function flowsViewSql(): string {
  const select: string[] = [];
  for (const c of COLUMNS) {
    const parts = storageColumnsOf(c);
    const first = parts[0] as StorageColumn;
    switch (c.type) {
      case 'ip':
        select.push(
          `coalesce(fs_ipv4_text(s.${q(`${c.sql}_v4`)}), fs_ipv6_text(s.${q(`${c.sql}_v6`)})) AS ${q(c.sql)}`,
        );
        break;
      case 'time':
        select.push(`make_timestamp(CAST(s.${q(first.name)} AS BIGINT) * 1000000) AS ${q(c.sql)}`);
        break;
      case 'string': {
        // dictionary ids are dense from 1, so a list lookup replaces a join per column (40 joins
        // made DuckDB's planner take seconds before running anything)
        select.push(`d.strings[s.${q(first.name)}] AS ${q(c.sql)}`);
        break;
      }
      default:
        select.push(`s.${q(first.name)} AS ${q(c.sql)}`);
    }
  }
  select.push(`s.${q(STORE.kindColumn)} AS kind`, 'f.path AS source');
  select.push(
    `CASE WHEN s.${q(STORE.extraColumn)} IS NULL THEN NULL ELSE CAST(CAST(s.${q(STORE.extraColumn)} AS JSON) AS MAP(VARCHAR, VARCHAR)) END AS extra`,
  );
  return [
    `CREATE OR REPLACE VIEW ${q(STORE.view)} AS SELECT`,
    `  ${select.join(',\n  ')}`,
    `FROM ${q(STORE.table)} s`,
    `CROSS JOIN (SELECT coalesce(list(value ORDER BY id), []) AS strings FROM ${q(STORE.dict)}) d`,
    `LEFT JOIN ${q(STORE.files)} f ON f.id = s.${q(STORE.fileColumn)}`,
  ].join('\n');
}

/** flow_core's columns: file, the core fields (protocol as its code), the duration and the pkt-* flag. */
export function coreColumnDefs(): ColumnDefs {
  return [
    [STORE.fileColumn, 'UINTEGER'],
    ...CORE_COLUMNS.map((s) => [s.name === 'protocol' ? STORE.protoColumn : s.name, duckdbType(s)] as const),
    [STORE.durColumn, 'USMALLINT'],
    [STORE.pktColumn, 'BOOLEAN'],
  ];
}

/**
 * flow_store: both tables as one, in flow_wide's columns. UNION ALL BY NAME gives the columns
 * flow_core lacks as NULL and DuckDB pushes filters and projections into both branches (no
 * measurable cost on the analyses; docs/specs/ingest.md section 3).
 */
export function flowStoreViewSql(): string {
  return [
    `CREATE OR REPLACE VIEW ${q(STORE.table)} AS`,
    `${coreBranchSql()}`,
    `UNION ALL BY NAME SELECT * FROM ${q(STORE.wide)}`,
  ].join('\n');
}

/**
 * STORE.coreView, a temporary view on each connection: flow_store's rows from flow_core alone,
 * with every flow_store column (those flow_core lacks are NULL, typed by an empty flow_wide
 * branch). Analyses that add up group flow_core through it and flow_wide apart, then merge.
 */
export function coreViewSql(): string {
  return [
    `CREATE OR REPLACE TEMP VIEW ${q(STORE.coreView)} AS`,
    `${coreBranchSql(true)}`,
    `UNION ALL BY NAME (SELECT * FROM ${q(STORE.wide)} LIMIT 0)`,
  ].join('\n');
}

/** SQL giving flow_core's code (PROTOCOL_ENCODE) of the protocol in `column`. */
export function encodeProtocolSql(column: string): string {
  return protocolCaseSql(q(column), 'code');
}

/**
 * flow_core as flow_store shows it: kind, end, the pkt-* IPv4 halves and the protocol derived.
 * The core view also keeps the protocol's code, for analyses that group on it (`Dimension.coreCoded`).
 */
function coreBranchSql(keepCode = false): string {
  const derived = [
    `${protocolCaseSql(q(STORE.protoColumn), 'protocol')} AS ${q('protocol')}`,
    `CAST(${lit('vpc')} AS ${enumType(KIND_VALUES)}) AS ${q(STORE.kindColumn)}`,
    `CAST(${q('start')} + ${q(STORE.durColumn)} AS UINTEGER) AS ${q('end')}`,
    `CASE WHEN ${q(STORE.pktColumn)} THEN ${q('srcaddr_v4')} END AS ${q('pkt_srcaddr_v4')}`,
    `CASE WHEN ${q(STORE.pktColumn)} THEN ${q('dstaddr_v4')} END AS ${q('pkt_dstaddr_v4')}`,
  ];
  const stored = [STORE.durColumn, STORE.pktColumn, ...(keepCode ? [] : [STORE.protoColumn])]
    .map(q)
    .join(', ');
  return `SELECT * EXCLUDE (${stored}), ${derived.join(', ')} FROM ${q(STORE.core)}`;
}

const enumValues = (type: string): string[] =>
  [...type.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1] as string);

/**
 * True when a stored ENUM column lacks the values (or order) this flowsight writes. The writer
 * copies enum indexes as raw bytes, so an older, shorter enum would take out-of-range indexes;
 * ALTER ... TYPE casts by value text, so stored flows keep their values. Compared by value list,
 * not by type text, so a change in how DuckDB prints types never rewrites a column at each start.
 */
function enumChanged(stored: string, wanted: string): boolean {
  if (!wanted.startsWith('ENUM(') || !stored.startsWith('ENUM(')) return false;
  return enumValues(stored).join('\0') !== enumValues(wanted).join('\0');
}

/** Creates a table or adds the columns it lacks and migrates its enums. */
async function convergeTable(conn: DuckDBConnection, table: string, defs: ColumnDefs): Promise<void> {
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${q(table)} (${defs.map(([n, t]) => `${q(n)} ${t}`).join(', ')})`,
  );
  const have = await conn.runAndReadAll(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1',
    [table],
  );
  const existing = new Map(have.getRows().map((r) => [String(r[0]), String(r[1])]));
  for (const [name, type] of defs) {
    const stored = existing.get(name);
    const alter = `ALTER TABLE ${q(table)}`;
    if (stored === undefined) await conn.run(`${alter} ADD COLUMN ${q(name)} ${type}`);
    else if (enumChanged(stored, type)) await conn.run(`${alter} ALTER COLUMN ${q(name)} TYPE ${type}`);
  }
}

/** Stores written before the core/wide split kept every flow in a flow_store table: it becomes flow_wide. */
async function migrateSingleTable(conn: DuckDBConnection): Promise<void> {
  const t = await conn.runAndReadAll(
    "SELECT table_type FROM information_schema.tables WHERE table_name = $1 AND table_schema = 'main'",
    [STORE.table],
  );
  if (String(t.getRows()[0]?.[0]) === 'BASE TABLE')
    await conn.run(`ALTER TABLE ${q(STORE.table)} RENAME TO ${q(STORE.wide)}`);
}

/**
 * Stores written before flow_core kept protocol codes hold the protocol itself in `protocol`: it is
 * rewritten as codes and renamed, in one transaction (the column only: ~1 s per 10 M flows).
 */
async function migrateCoreProtocol(conn: DuckDBConnection): Promise<void> {
  const t = await conn.runAndReadAll(
    "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = 'main' AND column_name IN ('protocol', $2)",
    [STORE.core, STORE.protoColumn],
  );
  const names = t.getRows().map((r) => String(r[0]));
  if (!names.includes('protocol') || names.includes(STORE.protoColumn)) return;
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const v of [STORE.view, STORE.table]) await conn.run(`DROP VIEW IF EXISTS ${q(v)}`);
    await conn.run(
      `ALTER TABLE ${q(STORE.core)} ALTER COLUMN ${q('protocol')} TYPE UTINYINT USING ${encodeProtocolSql('protocol')}`,
    );
    await conn.run(`ALTER TABLE ${q(STORE.core)} RENAME COLUMN ${q('protocol')} TO ${q(STORE.protoColumn)}`);
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Creates or converges the store: tables, missing columns, macros, the views. */
export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${q(STORE.files)} (id UINTEGER PRIMARY KEY, path VARCHAR NOT NULL, ` +
      'size BIGINT NOT NULL, hash VARCHAR NOT NULL, flows BIGINT NOT NULL, rejected BIGINT NOT NULL, ' +
      'ingested_at TIMESTAMP NOT NULL)',
  );
  await conn.run(
    `CREATE TABLE IF NOT EXISTS ${q(STORE.dict)} (id UINTEGER NOT NULL, value VARCHAR NOT NULL)`,
  );
  await migrateSingleTable(conn);
  await migrateCoreProtocol(conn);
  await convergeTable(conn, STORE.wide, storeColumnDefs());
  await convergeTable(conn, STORE.core, coreColumnDefs());
  await conn.run(flowStoreViewSql());
  for (const stmt of [IPV4_MACRO, ipv6Macro()]) await conn.run(stmt);
  await conn.run(flowsViewSql());
}
