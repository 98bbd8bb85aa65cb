// The store's schema on real DuckDB: the address macros agree with flow/ip.ts (which the parser,
// the filter and the web client use) for every value, and ensureSchema converges an older store
// without losing a flow. Each property run formats a whole list in one query, to stay fast.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBatch,
  formatIPv4,
  formatIPv6,
  PROTOCOL_DECODE,
  PROTOCOL_ENCODE,
  parseIPv6,
  routeBatch,
  STORE,
  setValid,
} from '../../flow/index.js';
import { fn, raw, sql, value } from '../../sql/index.js';
import { DuckdbEngine, STORE_BLOCK_SIZE } from './duckdb-engine.js';
import { ensureSchema, storeColumnDefs } from './schema.js';

let engine: DuckdbEngine;
beforeAll(async () => {
  engine = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
});
afterAll(() => engine.close());

/** Formats every value with a dialect function in one query (a bound list, cast to its type). */
async function formatInSql(
  name: 'ipv4_text' | 'ipv6_text',
  values: readonly (number | bigint)[],
): Promise<string[]> {
  const type = name === 'ipv4_text' ? 'UINTEGER[]' : 'UHUGEINT[]';
  const list = value(`[${values.join(',')}]`, 'text');
  const r = await engine.query(
    sql`SELECT list_transform(CAST(${list} AS ${raw(type)}), x -> ${fn(name, raw('x'))}) AS out`,
  );
  return r.rows[0]?.out as string[];
}

const U128_MAX = (1n << 128n) - 1n;

/** 16-bit words drawn mostly from {0, small, any}, so runs of zeros (and ties between runs) are common. */
const word = fc.oneof(
  { weight: 5, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 0xf }) },
  { weight: 1, arbitrary: fc.constant(0xffff) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
);
const wordy = fc
  .array(word, { minLength: 8, maxLength: 8 })
  .map((ws) => ws.reduce((v, w) => (v << 16n) | BigInt(w), 0n));
const ipv6 = fc.oneof(
  { weight: 4, arbitrary: wordy },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U128_MAX }) },
);
const ipv4 = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff) },
  { weight: 9, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
);

describe('the address macros', () => {
  it.each<[string, string]>([
    ['::', 'all zeros'],
    ['::1', 'a leading run'],
    ['1::', 'a trailing run'],
    ['2001:db8::1', 'a run in the middle'],
    ['2001:db8:0:1:1:1:1:1', 'a single zero word, never shortened (RFC 5952 4.2.2)'],
    ['2001:0:0:1::1', 'the longest run (4.2.3)'],
    ['2001:db8::1:0:0:1', 'the first of two equal runs (4.2.3)'],
    ['1:0:1:0:1:0:1:0', 'no run of two'],
    ['fe80::abcd:ef', 'lowercase, no leading zeros (4.1, 4.3)'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'the largest address'],
  ])('fs_ipv6_text and formatIPv6 both write %s (%s)', async (text) => {
    const v = parseIPv6(text) as bigint;
    expect(formatIPv6(v)).toBe(text);
    expect(await formatInSql('ipv6_text', [v])).toEqual([text]);
  });

  it('fs_ipv6_text equals formatIPv6, and the text parses back to the value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ipv6, { minLength: 1, maxLength: 200 }), async (values) => {
        const got = await formatInSql('ipv6_text', values);
        expect(got).toEqual(values.map(formatIPv6));
        expect(got.map(parseIPv6)).toEqual(values);
      }),
      { numRuns: 60 },
    );
  });

  it('fs_ipv4_text equals formatIPv4', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ipv4, { minLength: 1, maxLength: 200 }), async (values) => {
        expect(await formatInSql('ipv4_text', values)).toEqual(values.map(formatIPv4));
      }),
      { numRuns: 40 },
    );
  });

  it('both keep NULL as NULL (the other family of an address)', async () => {
    const r = await engine.query(
      sql`SELECT ${fn('ipv4_text', value(null, 'u32'))} AS a, ${fn('ipv6_text', value(null, 'u128'))} AS b`,
    );
    expect(r.rows).toEqual([{ a: null, b: null }]);
  });
});

/** name -> type of a table's or view's columns, in its order. */
async function columnsOf(e: DuckdbEngine, table: string): Promise<[string, string][]> {
  const r = await e.query(
    sql`SELECT column_name AS n, data_type AS t FROM information_schema.columns WHERE table_name = ${table} ORDER BY ordinal_position`,
  );
  return r.rows.map((row) => [String(row.n), String(row.t)]);
}

/** The columns of both tables and of the flow_store view. */
async function storeColumns(
  e: DuckdbEngine,
): Promise<{ core: [string, string][]; wide: [string, string][]; view: [string, string][] }> {
  return {
    core: await columnsOf(e, STORE.core),
    wide: await columnsOf(e, STORE.wide),
    view: sorted(await columnsOf(e, STORE.table)),
  };
}

/** Turns a current store into one as flowsight wrote it before the core/wide split, minus `missing`. */
async function makeSingleTableStore(e: DuckdbEngine, missing?: string): Promise<void> {
  const older = storeColumnDefs().filter(([n]) => n !== missing);
  for (const v of [STORE.view, STORE.table]) await e.query(raw(`DROP VIEW ${v}`));
  for (const t of [STORE.core, STORE.wide]) await e.query(raw(`DROP TABLE ${t}`));
  await e.query(raw(`CREATE TABLE ${STORE.table} (${older.map(([n, t]) => `"${n}" ${t}`).join(', ')})`));
}

const sorted = (cols: [string, string][]) => [...cols].sort(([a], [b]) => a.localeCompare(b));

describe('ensureSchema', () => {
  it('changes nothing when run again on a current store, and keeps its flows', async () => {
    const e = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
    await e.query(
      sql`INSERT INTO flow_wide (kind, file_id, srcaddr_v4, bytes) VALUES ('vpc', 1, 167772161, 42)`,
    );
    const before = await storeColumns(e);
    await ensureSchema(e.connection);
    await ensureSchema(e.connection);
    expect(await storeColumns(e)).toEqual(before);
    expect((await e.query(sql`SELECT srcaddr, bytes FROM flows`)).rows).toEqual([
      { srcaddr: '10.0.0.1', bytes: 42n },
    ]);
    await e.close();
  });

  it.each([
    'nothing',
    'reject_reason',
    'pkt_srcaddr_v6',
    'flow_direction',
    'traffic_path',
    STORE.extraColumn,
  ])(
    'turns a single-table store (lacking %s) into core + wide, keeping its flows, and then accepts new ones',
    async (missing) => {
      const e = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
      const current = await storeColumns(e);
      await makeSingleTableStore(e, missing);
      await e.query(
        sql`INSERT INTO flow_store (kind, file_id, srcaddr_v4, bytes) VALUES ('vpc', 1, 167772161, 42)`,
      );

      await ensureSchema(e.connection);
      const migrated = await storeColumns(e);
      expect({ ...migrated, wide: sorted(migrated.wide) }).toEqual({
        ...current,
        wide: sorted(current.wide),
      });
      await ensureSchema(e.connection);
      expect(await storeColumns(e)).toEqual(migrated);

      const flows = await e.query(sql`SELECT srcaddr, bytes, reject_reason FROM flows`);
      expect(flows.rows).toEqual([{ srcaddr: '10.0.0.1', bytes: 42n, reject_reason: null }]);
      await appendOne(e);
      await appendCore(e);
      const after = await e.query(sql`SELECT srcaddr, reject_reason, "end" FROM flows ORDER BY bytes`);
      expect(after.rows).toMatchObject([
        { srcaddr: '2001:db8::1', reject_reason: 'BPA' },
        { srcaddr: '10.0.0.2', reject_reason: null, end: new Date(70_000) },
        { srcaddr: '10.0.0.1', reject_reason: null },
      ]);
      expect((await e.query(sql`SELECT count(*) AS n FROM flow_core`)).rows[0]?.n).toBe(1n);
      await e.close();
    },
  );

  it('widens an enum an older store knew fewer values of, keeping stored values', async () => {
    const e = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
    const current = await storeColumns(e);
    for (const v of [STORE.view, STORE.table]) await e.query(raw(`DROP VIEW ${v}`));
    for (const t of [STORE.core, STORE.wide]) {
      await e.query(raw(`ALTER TABLE ${t} ALTER COLUMN "type" TYPE ENUM('IPv6', 'IPv4')`));
      await e.query(raw(`INSERT INTO ${t} (file_id, "type", bytes) VALUES (1, 'IPv6', 42)`));
    }

    await ensureSchema(e.connection);
    expect(await storeColumns(e)).toEqual(current);
    await appendOne(e, { type: 2 }); // 'EFA', index 2 of IPv4, IPv6, EFA
    await appendCore(e, { type: 2 });
    const r = await e.query(sql`SELECT "type", bytes FROM flows ORDER BY bytes, "type"`);
    expect(r.rows).toEqual([
      { type: 'EFA', bytes: 1n },
      { type: 'EFA', bytes: 2n },
      { type: 'IPv6', bytes: 42n },
      { type: 'IPv6', bytes: 42n },
    ]);
    await e.close();
  });
});

/** Writes one IPv6 flow with a reject reason (and the given enum indexes) through the flow writer; 1 byte, so it sorts first. */
async function appendOne(e: DuckdbEngine, enums: Readonly<Record<string, number>> = {}): Promise<void> {
  const b = createBatch(8);
  for (const [name, index] of Object.entries(enums)) {
    (b.data[name] as Uint8Array)[0] = index;
    setValid(b.valid[name] as Uint8Array, 0);
  }
  const words = b.data.srcaddr_v6 as BigUint64Array;
  const v = parseIPv6('2001:db8::1') as bigint;
  words[0] = v & 0xffffffffffffffffn;
  words[1] = v >> 64n;
  setValid(b.valid.srcaddr_v6 as Uint8Array, 0);
  (b.data.bytes as BigInt64Array)[0] = 1n;
  setValid(b.valid.bytes as Uint8Array, 0);
  b.strings.push('BPA');
  setValid(b.valid.reject_reason as Uint8Array, 0);
  b.length = 1;
  routeBatch(b);
  expect(b.coreLength).toBe(0);
  await write(e, b);
}

/** Writes one IPv4 flow that fits flow_core (start 10, end 70); 2 bytes. */
async function appendCore(e: DuckdbEngine, enums: Readonly<Record<string, number>> = {}): Promise<void> {
  const b = createBatch(8);
  const set = (name: string, v: number | bigint) => {
    (b.data[name] as Uint32Array | BigInt64Array)[0] = v as never;
    setValid(b.valid[name] as Uint8Array, 0);
  };
  for (const [name, index] of Object.entries(enums)) set(name, index);
  set('srcaddr_v4', 167772162);
  set('bytes', 2n);
  set('start', 10);
  set('end', 70);
  b.length = 1;
  routeBatch(b);
  expect(b.coreLength).toBe(1);
  await write(e, b);
}

async function write(e: DuckdbEngine, b: ReturnType<typeof createBatch>): Promise<void> {
  const w = await e.writer();
  await w.begin();
  const id = w.startFile();
  w.append(b, id);
  w.endFile(id, { path: 'new.log', size: 1, hash: 'h' }, 0);
  await w.commit(new Date(0));
}

describe("flow_core's protocol code", () => {
  it('flow_store shows every stored code as its protocol', async () => {
    const e = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
    await e.query(
      raw(
        `INSERT INTO ${STORE.core} (file_id, ${STORE.protoColumn}, bytes) SELECT 1, range, range FROM range(256)`,
      ),
    );
    await e.query(raw(`INSERT INTO ${STORE.core} (file_id, bytes) VALUES (1, 256)`));
    const r = await e.query(sql`SELECT protocol FROM flow_store ORDER BY bytes`);
    expect(r.rows.map((row) => row.protocol)).toEqual([...PROTOCOL_DECODE, null]);
    expect(await columnsOf(e, STORE.table)).toContainEqual(['protocol', 'UTINYINT']);
    await e.close();
  });

  it("turns an older store's protocol column into codes, keeping every protocol, once", async () => {
    const e = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
    const current = await storeColumns(e);
    const protocols = [6, 17, 1, 0, 2, 58, 255, null];
    for (const v of [STORE.view, STORE.table]) await e.query(raw(`DROP VIEW ${v}`));
    await e.query(raw(`ALTER TABLE ${STORE.core} RENAME COLUMN ${STORE.protoColumn} TO protocol`));
    await e.query(
      raw(
        `INSERT INTO ${STORE.core} (file_id, protocol, bytes) VALUES ${protocols.map((p, i) => `(999, ${p ?? 'NULL'}, ${i})`).join(', ')}`,
      ),
    );

    await ensureSchema(e.connection);
    expect(await storeColumns(e)).toEqual(current);
    const codes = await e.query(raw(`SELECT ${STORE.protoColumn} AS c FROM ${STORE.core} ORDER BY bytes`));
    expect(codes.rows.map((r) => r.c)).toEqual(
      protocols.map((p) => (p === null ? null : PROTOCOL_ENCODE[p])),
    );
    await ensureSchema(e.connection);
    await appendCore(e, { protocol: 17 });
    const r = await e.query(sql`SELECT protocol FROM flows WHERE source IS NULL ORDER BY bytes`);
    expect(r.rows.map((row) => row.protocol)).toEqual(protocols);
    const added = await e.query(sql`SELECT protocol FROM flows WHERE source = 'new.log'`);
    expect(added.rows).toEqual([{ protocol: 17 }]);
    await e.close();
  });
});

describe('the store file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fs-block-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const blockSize = async (e: DuckdbEngine): Promise<number> =>
    Number((await e.query(sql`SELECT block_size FROM pragma_database_size()`)).rows[0]?.block_size);

  it('is made with 64 KiB blocks; a store made with 256 KiB keeps them and takes new flows', async () => {
    const fresh = await DuckdbEngine.open({ path: join(dir, 'new.duckdb'), readOnly: false });
    expect(await blockSize(fresh)).toBe(STORE_BLOCK_SIZE);
    await fresh.close();

    const path = join(dir, 'old.duckdb');
    const old = await DuckDBInstance.create(path, { default_block_size: '262144' });
    old.closeSync();
    const e = await DuckdbEngine.open({ path, readOnly: false });
    expect(await blockSize(e)).toBe(262_144);
    await appendCore(e);
    await e.close();
    const reader = await DuckdbEngine.open({ path, readOnly: true });
    expect((await reader.query(sql`SELECT srcaddr, bytes FROM flows`)).rows).toEqual([
      { srcaddr: '10.0.0.2', bytes: 2n },
    ]);
    await reader.close();
  });
});
