// Property: whatever mix of flows a batch holds (IPv4 and IPv6, pkt-* equal to the addresses or
// not, long and short durations, TGW records, ECS fields, unknown fields, NULLs anywhere), routing
// it into flow_core and flow_wide and reading flow_store back gives every flow exactly as it was.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBatch,
  type FlowBatch,
  KIND_VALUES,
  readValue,
  routeBatch,
  STORAGE_COLUMNS,
  setValid,
} from '../../flow/index.js';
import { sql } from '../../sql/index.js';
import { DuckdbEngine } from './duckdb-engine.js';

type Cells = Readonly<Record<string, number | bigint | null>>;
interface Row {
  readonly kind: 0 | 1;
  readonly cells: Cells;
  readonly extra: string | null;
}

/** NULL one time in four */
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 4 });
/** a value one time in `n`, else NULL */
const rare = <T>(a: fc.Arbitrary<T>, n = 8) =>
  fc.oneof({ weight: 1, arbitrary: a }, { weight: n - 1, arbitrary: fc.constant(null) });
const v4 = fc.constantFrom(0x0a000001, 0x0a000002, 0xc0a80001, 0xffffffff);
const t0 = 1_700_000_000;

const rowArb: fc.Arbitrary<Row> = fc
  .record({
    kind: fc.constantFrom<0 | 1>(0, 0, 0, 1),
    src: opt(v4),
    dst: opt(v4),
    src6: rare(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), 6),
    pkt: fc.constantFrom('none', 'same', 'same', 'other', 'src-only'),
    start: opt(fc.integer({ min: t0, max: t0 + 600 })),
    dur: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constantFrom(65535, 65536, -1)),
    endOnly: fc.boolean(),
    bytes: opt(fc.bigInt({ min: 0n, max: 2n ** 40n })),
    port: opt(fc.integer({ min: 0, max: 65535 })),
    action: opt(fc.constantFrom(0, 1)),
    iface: opt(fc.constantFrom(0, 1, 2)),
    vpc: opt(fc.constantFrom(0, 1)),
    ecs: rare(fc.constant(2)),
    lost: rare(fc.bigInt({ min: 0n, max: 9n })),
    extra: rare(fc.constant('{"x-new":"1"}')),
  })
  .map((r): Row => {
    const end = r.start === null ? (r.endOnly ? t0 : null) : Math.max(r.start + r.dur, 0);
    const pktSrc = r.pkt === 'same' || r.pkt === 'src-only' ? r.src : r.pkt === 'other' ? 0x0b000001 : null;
    const pktDst = r.pkt === 'same' ? r.dst : r.pkt === 'other' ? 0x0b000002 : null;
    return {
      kind: r.kind,
      extra: r.extra,
      cells: {
        srcaddr_v4: r.src6 === null ? r.src : null,
        srcaddr_v6: r.src6,
        dstaddr_v4: r.dst,
        pkt_srcaddr_v4: pktSrc,
        pkt_dstaddr_v4: pktDst,
        start: r.start,
        end,
        bytes: r.bytes,
        dstport: r.port,
        action: r.action,
        interface_id: r.iface,
        vpc_id: r.vpc,
        ecs_cluster_name: r.ecs,
        packets_lost_no_route: r.lost,
      },
    };
  });

function batchOf(rows: readonly Row[]): FlowBatch {
  const b = createBatch(rows.length);
  b.strings.push('eni-a', 'eni-b', 'eni-c');
  rows.forEach((r, i) => {
    for (const [name, v] of Object.entries(r.cells)) {
      if (v === null) continue;
      const d = b.data[name];
      if (d instanceof BigUint64Array) {
        d[i * 2] = (v as bigint) & 0xffffffffffffffffn;
        d[i * 2 + 1] = (v as bigint) >> 64n;
      } else (d as Uint32Array)[i] = v as number;
      setValid(b.valid[name] as Uint8Array, i);
    }
    b.kind[i] = r.kind;
    if (r.extra !== null) b.extra.set(i, r.extra);
  });
  b.length = rows.length;
  return b;
}

/** Every storage column of every row as text, plus kind and extra; sorted, so order does not count. */
function snapshot(b: FlowBatch): string[] {
  return Array.from({ length: b.length }, (_, i) =>
    JSON.stringify([
      ...STORAGE_COLUMNS.map((s) => String(readValue(b, s, i))),
      KIND_VALUES[b.kind[i] as number],
      b.extra.get(i) ?? null,
    ]),
  ).sort();
}

let engine: DuckdbEngine;
beforeAll(async () => {
  engine = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
});
afterAll(() => engine.close());

async function roundTrip(b: FlowBatch): Promise<string[]> {
  await engine.query(sql`DELETE FROM flow_core`);
  await engine.query(sql`DELETE FROM flow_wide`);
  const w = await engine.writer();
  await w.begin();
  const id = w.startFile();
  w.append(b, id);
  w.endFile(id, { path: `f${id}`, size: id, hash: `h${id}` }, 0);
  await w.commit(new Date(0));
  const dict = new Map(
    (await engine.query(sql`SELECT id, value FROM flow_dict`)).rows.map((r) => [r.id, r.value]),
  );
  const rows = (await engine.query(sql`SELECT * FROM flow_store`)).rows;
  return rows
    .map((r) =>
      JSON.stringify([
        ...STORAGE_COLUMNS.map((s) =>
          String(s.physical === 'dict' && r[s.name] !== null ? dict.get(r[s.name]) : r[s.name]),
        ),
        r.kind,
        r.extra,
      ]),
    )
    .sort();
}

describe('flow_core + flow_wide', () => {
  it('store every flow exactly as it was, whichever table it goes to', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 40 }), async (rows) => {
        const b = batchOf(rows);
        const before = snapshot(b);
        routeBatch(b);
        expect(await roundTrip(b)).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every flow of a batch larger than one DuckDB chunk, with the wide part not starting on a byte', async () => {
    const plain = fc.sample(rowArb, { numRuns: 3100, seed: 7 }).map(
      (r): Row => ({
        kind: 0,
        extra: null,
        cells: {
          ...r.cells,
          srcaddr_v6: null,
          ecs_cluster_name: null,
          packets_lost_no_route: null,
          pkt_srcaddr_v4: null,
          pkt_dstaddr_v4: null,
          end: r.cells.start ?? null,
        },
      }),
    );
    const mixed = fc.sample(rowArb, { numRuns: 2500, seed: 8 });
    // one more plain flow at a time until the core part ends mid-byte
    for (let extra = 0; extra < 8; extra++) {
      const b = batchOf([...plain.slice(0, 3000 + extra), ...mixed]);
      const before = snapshot(b);
      routeBatch(b);
      if (b.coreLength % 8 === 0) continue;
      expect(b.coreLength).toBeGreaterThan(2048);
      expect(b.length - b.coreLength).toBeGreaterThan(2048);
      expect(await roundTrip(b)).toEqual(before);
      return;
    }
    expect.unreachable('no core length ended mid-byte');
  });

  it('puts the plain IPv4 flow in flow_core and every other shape in flow_wide', async () => {
    const plain = { srcaddr_v4: 1, dstaddr_v4: 2, start: t0, end: t0 + 60 };
    const shapes: Cells[] = [
      plain,
      { ...plain, pkt_srcaddr_v4: 1, pkt_dstaddr_v4: 2 },
      { ...plain, srcaddr_v4: null, srcaddr_v6: 1n },
      { ...plain, pkt_srcaddr_v4: 9, pkt_dstaddr_v4: 2 },
      { ...plain, pkt_srcaddr_v4: 1 },
      { ...plain, end: t0 + 65536 },
      { ...plain, end: null },
      { ...plain, ecs_cluster_name: 0 },
      { ...plain, packets_lost_no_route: 0n },
    ];
    const b = batchOf(shapes.map((cells) => ({ kind: 0, cells, extra: null })));
    routeBatch(b);
    expect(b.coreLength).toBe(2);
    expect(Array.from(b.hasPkt.subarray(0, 2)).sort()).toEqual([0, 1]);
    expect(Array.from(b.dur.subarray(0, 2))).toEqual([60, 60]);
    await roundTrip(b);
    const counts = (
      await engine.query(
        sql`SELECT (SELECT count(*) FROM flow_core) AS core, (SELECT count(*) FROM flow_wide) AS wide`,
      )
    ).rows[0];
    expect(counts).toEqual({ core: 2n, wide: 7n });
  });

  it('sends TGW records and flows with unknown fields to flow_wide', () => {
    const cells = { srcaddr_v4: 1, dstaddr_v4: 2 };
    const b = batchOf([
      { kind: 1, cells, extra: null },
      { kind: 0, cells, extra: '{"x":"1"}' },
      { kind: 0, cells, extra: null },
    ]);
    routeBatch(b);
    expect(b.coreLength).toBe(1);
    expect(b.extra.get(1) ?? b.extra.get(2)).toBe('{"x":"1"}');
    expect(b.kind[0]).toBe(0);
  });
});
