import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBatch,
  type FlowBatch,
  parseIPv6,
  reorderStage,
  routeBatch,
  setValid,
} from '../../flow/index.js';
import { sql } from '../../sql/index.js';
import { DuckdbEngine } from './duckdb-engine.js';
import { allSet, copyBits } from './scan-appender.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fs-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Sets a batch's value (IPv6 addresses as two 64-bit words, counters as BigInts) and its validity bit. */
function put(b: FlowBatch, name: string, row: number, v: number | bigint): void {
  const d = b.data[name];
  if (d === undefined) throw new Error(name);
  if (d instanceof BigUint64Array) {
    const big = BigInt(v);
    d[row * 2] = big & 0xffffffffffffffffn;
    d[row * 2 + 1] = big >> 64n;
  } else if (d instanceof BigInt64Array) d[row] = BigInt(v);
  else (d as Uint32Array)[row] = Number(v);
  setValid(b.valid[name] as Uint8Array, row);
}

/** A hand-filled batch: row 0 an IPv4 ACCEPT, row 1 an IPv6 REJECT, row 2 a NODATA record. */
function sample(): FlowBatch {
  const b = createBatch(8);
  const set = (name: string, row: number, v: number | bigint) => put(b, name, row, v);
  b.strings.push('000123456789', 'eni-0a1b2c3d4e5f60718', 'vpc-0abc');
  for (const r of [0, 1, 2]) {
    set('account_id', r, 0);
    set('interface_id', r, 1);
    set('start', r, 1_764_000_000 + r * 60);
    set('end', r, 1_764_000_060 + r * 60);
    set('version', r, 2);
  }
  set('vpc_id', 0, 2);
  set('srcaddr_v4', 0, 0x0a1b4005);
  set('dstaddr_v4', 0, 0x0a1b0801);
  set('srcaddr_v6', 1, parseIPv6('2001:db8::1') as bigint);
  set('dstaddr_v6', 1, parseIPv6('fe80::1') as bigint);
  for (const r of [0, 1]) {
    set('srcport', r, 40000 + r);
    set('dstport', r, 1521);
    set('protocol', r, 6);
    set('packets', r, BigInt(10 + r));
    set('bytes', r, 5_000_000_000n + BigInt(r));
    set('log_status', r, 0);
  }
  set('action', 0, 0);
  set('action', 1, 1);
  set('log_status', 2, 1);
  b.extra.set(1, JSON.stringify({ 'resource-id': 'x-1' }));
  b.length = 3;
  return b;
}

// 12 batches of 32 k flows, every 7th an IPv6 flow (the wide table, at an odd row of the
// batch): more than a stage holds, so INSERTs run inside the transaction
const batches = (file: number): FlowBatch[] =>
  Array.from({ length: 12 }, (_, k) => {
    const b = createBatch(32_768);
    b.strings.push('000123456789', `eni-${String(file).padStart(17, '0')}`);
    const set = (name: string, row: number, v: number | bigint) => put(b, name, row, v);
    for (let r = 0; r < 32_768; r++) {
      const n = k * 32_768 + r;
      set('version', r, 2);
      set('account_id', r, 0);
      set('interface_id', r, 1);
      if (n % 7 === 3) {
        set('srcaddr_v6', r, BigInt(n) + 1n);
        set('dstaddr_v6', r, BigInt(n) + 2n);
      } else {
        set('srcaddr_v4', r, Math.imul(n, 2654435761) >>> 0);
        set('dstaddr_v4', r, Math.imul(n + 1, 2246822519) >>> 0);
      }
      set('srcport', r, n % 65_536);
      if (n % 5 !== 0) set('dstport', r, 443); // NULL in every fifth flow
      set('protocol', r, 6);
      set('packets', r, 1 + (n % 13));
      set('bytes', r, 40 + (n % 100_003));
      set('start', r, 1_764_000_000 + (n % 3600));
      set('end', r, 1_764_000_060 + (n % 3600));
      set('action', r, n % 3 === 0 ? 1 : 0);
      set('log_status', r, 0);
    }
    b.length = 32_768;
    routeBatch(b);
    return b;
  });

describe('the DuckDB flow writer', () => {
  it('stores a batch and shows it in the flows view with text addresses, timestamps and strings', async () => {
    const engine = await DuckdbEngine.open({ path: join(dir, 's.duckdb'), readOnly: false });
    const w = await engine.writer();
    await w.begin();
    const id = w.startFile();
    w.append(sample(), id);
    w.endFile(id, { path: 'a.log', size: 10, hash: 'h1' }, 0);
    await w.commit(new Date('2026-11-29T00:00:00Z'));
    const r = await engine.query(sql`SELECT * FROM flows ORDER BY start`);
    expect(r.rows).toHaveLength(3);
    const [a, b, c] = r.rows as Record<string, unknown>[];
    expect(a).toMatchObject({
      account_id: '000123456789',
      interface_id: 'eni-0a1b2c3d4e5f60718',
      vpc_id: 'vpc-0abc',
    });
    expect(a).toMatchObject({
      srcaddr: '10.27.64.5',
      dstaddr: '10.27.8.1',
      action: 'ACCEPT',
      bytes: 5_000_000_000n,
    });
    expect(a?.start).toEqual(new Date(1_764_000_000_000));
    expect(b).toMatchObject({
      srcaddr: '2001:db8::1',
      dstaddr: 'fe80::1',
      action: 'REJECT',
      kind: 'vpc',
      source: 'a.log',
    });
    expect(b?.extra).toEqual([{ key: 'resource-id', value: 'x-1' }]);
    expect(c).toMatchObject({ log_status: 'NODATA', srcaddr: null, bytes: null, action: null, vpc_id: null });
    await engine.close();
  });

  it('rolls a file back completely and keeps the dictionary consistent for the next file', async () => {
    const path = join(dir, 's.duckdb');
    const engine = await DuckdbEngine.open({ path, readOnly: false });
    const w = await engine.writer();
    await w.begin();
    const id = w.startFile();
    w.append(sample(), id);
    await w.rollback();
    expect((await engine.query(sql`SELECT count(*) AS n FROM flow_store`)).rows[0]?.n).toBe(0n);
    expect((await engine.query(sql`SELECT count(*) AS n FROM flow_dict`)).rows[0]?.n).toBe(0n);
    await w.begin();
    const id2 = w.startFile();
    w.append(sample(), id2);
    w.endFile(id2, { path: 'b.log', size: 1, hash: 'h2' }, 0);
    await w.commit(new Date(0));
    await engine.close();
    const again = await DuckdbEngine.open({ path, readOnly: true });
    const r = await again.query(sql`SELECT DISTINCT interface_id FROM flows`);
    expect(r.rows).toEqual([{ interface_id: 'eni-0a1b2c3d4e5f60718' }]);
    await again.close();
  });

  it('lets a writer go between runs on one connection, as serve --ingest loads again and again', async () => {
    const engine = await DuckdbEngine.open({ path: join(dir, 's.duckdb'), readOnly: false });
    const first = await engine.writer();
    await first.begin();
    const id = first.startFile();
    first.append(sample(), id);
    await expect(first.release()).rejects.toThrow(/a transaction is open/);
    first.endFile(id, { path: 'a.log', size: 10, hash: 'h1' }, 0);
    await first.commit(new Date(0));
    await first.release();
    await expect(first.begin()).rejects.toThrow(/released/);
    const stageFunctions = async () =>
      (
        await engine.query(
          sql`SELECT count(DISTINCT function_name) AS n FROM duckdb_functions() WHERE function_name LIKE 'fs_stage_%'`,
        )
      ).rows[0]?.n;
    const registered = await stageFunctions();
    expect(registered).toBeGreaterThan(0n);
    const next = await engine.writer();
    // the next writer reads its stages through the functions the first one let go of
    expect(await stageFunctions()).toBe(registered);
    expect(next.findIngested(10, 'h1')).toEqual({ path: 'a.log' });
    await next.begin();
    const id2 = next.startFile();
    expect(id2).toBe(id + 1);
    next.append(sample(), id2);
    next.endFile(id2, { path: 'b.log', size: 11, hash: 'h2' }, 0);
    await next.commit(new Date(0));
    await next.release();
    const r = await engine.query(
      sql`SELECT source, count(*) AS n FROM flows GROUP BY source ORDER BY source`,
    );
    expect(r.rows).toEqual([
      { source: 'a.log', n: 3n },
      { source: 'b.log', n: 3n },
    ]);
    await engine.close();
  });

  it('keeps files apart when their batches interleave in one transaction', async () => {
    const engine = await DuckdbEngine.open({ path: join(dir, 's.duckdb'), readOnly: false });
    const w = await engine.writer();
    await w.begin();
    const a = w.startFile();
    const b = w.startFile();
    w.append(sample(), b);
    w.append(sample(), a);
    w.append(sample(), b);
    w.endFile(b, { path: 'b.log', size: 2, hash: 'hb' }, 0);
    w.endFile(a, { path: 'a.log', size: 1, hash: 'ha' }, 1);
    expect(w.findIngested(2, 'hb')).toEqual({ path: 'b.log' });
    await w.commit(new Date(0));
    const r = await engine.query(
      sql`SELECT f.path, f.flows, f.rejected, count(s.file_id) AS stored FROM flow_files f LEFT JOIN flow_store s ON s.file_id = f.id GROUP BY ALL ORDER BY f.path`,
    );
    expect(r.rows).toEqual([
      { path: 'a.log', flows: 3n, rejected: 1n, stored: 3n },
      { path: 'b.log', flows: 6n, rejected: 0n, stored: 6n },
    ]);
    await engine.close();
  });

  it('refuses writes and file access on a read-only store', async () => {
    const path = join(dir, 's.duckdb');
    await (await DuckdbEngine.open({ path, readOnly: false })).close();
    const ro = await DuckdbEngine.open({ path, readOnly: true });
    await expect(ro.userQuery('DELETE FROM flow_core')).rejects.toMatchObject({ code: 'sql.read-only' });
    await expect(ro.userQuery(`SELECT * FROM read_csv('/etc/passwd')`)).rejects.toMatchObject({
      code: 'sql.file-access',
    });
    await expect(ro.userQuery(`COPY (SELECT 1) TO '${join(dir, 'x.csv')}'`)).rejects.toMatchObject({
      code: expect.stringMatching(/^sql\./),
    });
    await expect(ro.userQuery('SET enable_external_access = true')).rejects.toMatchObject({
      code: expect.stringMatching(/^sql\./),
    });
    await ro.close();
  });

  it('holds a transaction of many flows compressed on disk, not in memory, and stores or drops them whole', async () => {
    const engine = await DuckdbEngine.open({ path: join(dir, 's.duckdb'), readOnly: false });
    const w = await engine.writer();
    const load = async (file: number) => {
      await w.begin();
      const id = w.startFile();
      for (const b of batches(file)) await w.append(b, id);
      w.endFile(id, { path: `${file}.log`, size: file, hash: `h${file}` }, 0);
    };
    await load(1);
    const mem = await engine.query(
      sql`SELECT coalesce(sum(memory_usage_bytes), 0) AS b FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'`,
    );
    // 393 k uncompressed flows would take ~75 MB; what waits here is at most the stages
    expect(Number(mem.rows[0]?.b)).toBeLessThan(40 * 2 ** 20);
    await w.rollback();
    expect((await engine.query(sql`SELECT count(*) AS n FROM flow_store`)).rows[0]?.n).toBe(0n);
    await load(2);
    await w.commit(new Date(0));
    const n = 12 * 32_768;
    let v6 = 0;
    let bytes = 0n;
    let dst = 0;
    let ports = 0n;
    for (let i = 0; i < n; i++) {
      if (i % 7 === 3) v6++;
      if (i % 5 !== 0) dst++;
      bytes += BigInt(40 + (i % 100_003));
      ports += BigInt(i % 65_536);
    }
    const r = await engine.query(
      sql`SELECT count(*) AS n, count(srcaddr_v6) AS v6, sum(bytes) AS bytes, count(dstport) AS dst, sum(srcport) AS ports,
        count(DISTINCT file_id) AS files FROM flow_store`,
    );
    expect(r.rows[0]).toEqual({ n: BigInt(n), v6: BigInt(v6), bytes, dst: BigInt(dst), ports, files: 1n });
    await engine.close();
  }, 60_000);

  it.each([
    ['each batch as routeBatch ordered it', undefined, 32_768],
    ['each stage ordered as one', reorderStage, 122_880],
  ] as const)(
    'stores flows by interface, direction and remote address: %s, every row whole',
    async (_, reorder, unit) => {
      // 300 k flows of 37 interfaces, each row's fields derived from its number n (in packets):
      // a row is whole if they still agree after the stage was reordered
      const n = 300_000;
      const base = 1_764_000_000;
      const own = (i: number) => (0x0a000000 | i) >>> 0; // 10.0.0.i
      const engine = await DuckdbEngine.open({ path: join(dir, 'o.duckdb'), readOnly: false });
      const w = await engine.writer(reorder === undefined ? {} : { reorder });
      await w.begin();
      const id = w.startFile();
      for (let from = 0; from < n; from += 32_768) {
        const len = Math.min(32_768, n - from);
        const b = createBatch(len);
        b.strings.push(
          '000123456789',
          ...Array.from({ length: 37 }, (_, i) => `eni-${String(i).padStart(17, '0')}`),
        );
        const set = (name: string, row: number, v: number) => put(b, name, row, v);
        for (let r = 0; r < len; r++) {
          const k = from + r;
          const iface = k % 37;
          const remote = (0xc0000000 + Math.imul(k, 2654435761)) >>> 0 || 1;
          set('version', r, 2);
          set('account_id', r, 0);
          set('interface_id', r, 1 + iface);
          set('srcaddr_v4', r, k % 2 === 1 ? own(iface) : remote);
          set('dstaddr_v4', r, k % 2 === 1 ? remote : own(iface));
          set('srcport', r, k % 65_536);
          if (k % 5 !== 0) set('dstport', r, 443);
          set('protocol', r, 6);
          set('packets', r, k);
          set('bytes', r, 2 * k + 40);
          set('start', r, base + k);
          set('end', r, base + k + 60);
          set('action', r, k % 3 === 0 ? 1 : 0);
          set('log_status', r, 0);
        }
        b.length = len;
        routeBatch(b);
        await w.append(b, id);
      }
      w.endFile(id, { path: 'o.log', size: 1, hash: 'o' }, 0);
      await w.commit(new Date(0));
      const bad = await engine.query(sql`SELECT count(*) AS n, count(*) FILTER (WHERE
        bytes <> 2 * packets + 40 OR srcport <> packets % 65536 OR (dstport IS NULL) <> (packets % 5 = 0)
        OR epoch(start)::BIGINT <> ${base} + packets OR epoch("end")::BIGINT <> ${base} + packets + 60
        OR (action = 'REJECT') <> (packets % 3 = 0) OR interface_id <> 'eni-' || lpad(CAST(packets % 37 AS VARCHAR), 17, '0')
        OR (packets % 2 = 1 AND srcaddr <> '10.0.0.' || CAST(packets % 37 AS VARCHAR))
        OR (packets % 2 = 0 AND dstaddr <> '10.0.0.' || CAST(packets % 37 AS VARCHAR))) AS bad FROM flows`);
      expect(bad.rows[0]).toEqual({ n: BigInt(n), bad: 0n });
      // in storage order, each interface's arriving rows of a batch (or stage), then its leaving
      // ones: at most two switches per interface and unit, not one per row
      const order = await engine.query(sql`SELECT count(*) FILTER (WHERE o <> p) AS switches FROM (
        SELECT srcaddr_v4 >> 8 = 655360 AS o, lag(srcaddr_v4 >> 8 = 655360) OVER (ORDER BY rowid) AS p FROM flow_core)`);
      expect(Number(order.rows[0]?.switches)).toBeLessThanOrEqual(2 * 37 * Math.ceil(n / unit));
      await engine.close();
    },
    60_000,
  );

  it('fails the transaction when an INSERT runs out of memory, and loads every flow after a rollback', async () => {
    const engine = await DuckdbEngine.open({ path: join(dir, 'f.duckdb'), readOnly: false });
    const w = await engine.writer();
    await w.setMemoryLimit('2MB');
    await w.begin();
    const id = w.startFile();
    // the INSERT that runs out of memory fails the append that started it (or the commit)
    const attempt = async () => {
      for (const b of batches(1)) await w.append(b, id);
      w.endFile(id, { path: '1.log', size: 1, hash: 'h1' }, 0);
      await w.commit(new Date(0));
    };
    await expect(attempt()).rejects.toThrow(/memory limit/);
    await w.rollback();
    expect((await engine.query(sql`SELECT count(*) AS n FROM flow_store`)).rows[0]?.n).toBe(0n);
    await w.setMemoryLimit('256MB');
    await w.begin();
    const again = w.startFile();
    for (const b of batches(1)) await w.append(b, again);
    w.endFile(again, { path: '1.log', size: 1, hash: 'h1' }, 0);
    await w.commit(new Date(0));
    const r = await engine.query(sql`SELECT count(*) AS n, count(DISTINCT file_id) AS files FROM flow_store`);
    expect(r.rows[0]).toEqual({ n: BigInt(12 * 32_768), files: 1n });
    await engine.close();
  }, 60_000);

  it('keeps every NULL and every value when chunks with NULLs and chunks without alternate', async () => {
    // DuckDB reads a stage 2048 rows at a time, and a chunk without NULLs gets no validity mask:
    // a mask left from the chunk before would turn its values into NULLs. Blocks of rows with a
    // NULL dstport (and, for the block's first row, a NULL protocol) alternate with blocks
    // without, in lengths around the chunk size.
    const engine = await DuckdbEngine.open({ path: join(dir, 'v.duckdb'), readOnly: false });
    const w = await engine.writer();
    await w.begin();
    const id = w.startFile();
    const blocks = [2048, 2048, 100, 3000, 2048, 1, 4095, 2049, 700, 6000];
    const n = blocks.reduce((a, x) => a + x, 0);
    const nullAt = new Uint8Array(n);
    let at = 0;
    blocks.forEach((len, k) => {
      if (k % 2 === 0) nullAt.fill(1, at, at + len);
      at += len;
    });
    const b = createBatch(n);
    b.strings.push('000123456789', 'eni-0a1b2c3d4e5f60718');
    let firstOfBlock = 0;
    const blockStart = new Set<number>();
    for (const len of blocks) {
      blockStart.add(firstOfBlock);
      firstOfBlock += len;
    }
    let dstports = 0;
    let dstportSum = 0;
    for (let r = 0; r < n; r++) {
      put(b, 'version', r, 2);
      put(b, 'account_id', r, 0);
      put(b, 'interface_id', r, 1);
      put(b, 'srcaddr_v4', r, 0x0a000001);
      put(b, 'dstaddr_v4', r, 0x0a000002 + r);
      put(b, 'srcport', r, 40_000);
      if (nullAt[r] === 0 || r % 3 !== 0) {
        put(b, 'dstport', r, r % 65_536);
        dstports++;
        dstportSum += r % 65_536;
      }
      if (!(nullAt[r] === 1 && blockStart.has(r))) put(b, 'protocol', r, 17);
      put(b, 'packets', r, 1);
      put(b, 'bytes', r, 100 + r);
      put(b, 'start', r, 1_764_000_000 + r);
      put(b, 'end', r, 1_764_000_060 + r);
      put(b, 'action', r, 0);
      put(b, 'log_status', r, 0);
    }
    b.length = n;
    routeBatch(b);
    await w.append(b, id);
    w.endFile(id, { path: 'v.log', size: 1, hash: 'v' }, 0);
    await w.commit(new Date(0));
    const nullProtocols = blocks.filter((_, k) => k % 2 === 0).length;
    const r = await engine.query(
      sql`SELECT count(*) AS n, count(dstport) AS d, sum(dstport) AS s, count(protocol) AS p, count(bytes) AS b FROM flows`,
    );
    expect(r.rows[0]).toEqual({
      n: BigInt(n),
      d: BigInt(dstports),
      s: BigInt(dstportSum),
      p: BigInt(n - nullProtocols),
      b: BigInt(n),
    });
    await engine.close();
  });

  it('tells a run of set validity bits from one with any bit clear, at any offset', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat(319),
        fc.nat(320),
        (mask, from, len) => {
          const bits = mask.length * 8;
          const s = Math.min(from, bits);
          const n = Math.min(len, bits - s);
          const want = Array.from(
            { length: n },
            (_, i) => ((mask[(s + i) >> 3] as number) >> ((s + i) & 7)) & 1,
          ).every((x) => x === 1);
          expect(allSet(mask, s, n)).toBe(want);
          const full = new Uint8Array(mask.length).fill(255);
          expect(allSet(full, s, n)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('copies validity bits between any offsets, leaving the bits around them alone', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (src, dst, a, b, c) => {
          const s = a % (src.length * 8);
          const d = b % (dst.length * 8);
          const n = c % (Math.min(src.length * 8 - s, dst.length * 8 - d) + 1);
          const bit = (x: Uint8Array, i: number) => ((x[i >> 3] as number) >> (i & 7)) & 1;
          const want = Array.from({ length: dst.length * 8 }, (_, i) =>
            i >= d && i < d + n ? bit(src, s + i - d) : bit(dst, i),
          );
          const out = Uint8Array.from(dst);
          copyBits(src, s, out, d, n);
          expect(Array.from({ length: out.length * 8 }, (_, i) => bit(out, i))).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});
