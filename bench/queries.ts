// Query timings at scale: copies an ingested store, grows it to the target flow count with copies
// shifted by whole days (so time ranges stay realistic), then times the queries issue 3 names,
// built with the project's own analyses and filter and run through its DuckDB engine (read-only,
// default threads): median of 3 warm runs each.

import { copyFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { dimension, flowList, groupFlows, keyName, TRAFFIC, topTalkers } from '../src/analyses/index.js';
import { DuckdbEngine } from '../src/engine/index.js';
import { filterToSql } from '../src/filter/index.js';
import { STORE } from '../src/flow/index.js';
import { ident, raw, type SqlNode, sql } from '../src/sql/index.js';

export interface QueryTiming {
  readonly name: string;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  readonly rows: number;
  /** the first row, for a glance that the answer is plausible */
  readonly first: string;
}

export const CIDR_FILTER = 'src net 10.27.64.0/21 and dst port 443';

function distinctPortsPerSource(): SqlNode {
  const src = dimension('src');
  const shown = src.display((j) => ident(keyName(0, j)));
  const ports = sql`count(DISTINCT ${ident('dstport')}) AS ports`;
  return sql`WITH ${groupFlows('g', [src], TRAFFIC, ports)}
SELECT ${shown} AS src, ports FROM g ORDER BY ports DESC, ${ident(keyName(0, 0))}, ${ident(keyName(0, 1))} LIMIT 10`;
}

export function benchQueries(): readonly { readonly name: string; readonly node: SqlNode }[] {
  const where = filterToSql(CIDR_FILTER);
  return [
    { name: 'top-10 sources by bytes', node: topTalkers({ dimensions: ['src'], by: 'bytes', limit: 10 }) },
    {
      name: 'rejected flows per 5 min',
      node: raw(
        `SELECT start // 300 * 300 AS bucket, count(*) AS flows FROM ${STORE.table} WHERE action = 'REJECT' GROUP BY ALL ORDER BY 1`,
      ),
    },
    { name: 'distinct dst ports per source (top 10)', node: distinctPortsPerSource() },
    {
      name: `count where ${CIDR_FILTER}`,
      node: sql`SELECT count(*) AS flows FROM ${ident(STORE.table)} WHERE ${where}`,
    },
    { name: `flowList 100 where ${CIDR_FILTER}`, node: flowList({ where, limit: 100 }) },
  ];
}

/** Copies `src` to `dst` and grows its flow_store (both tables) to about `target` flows; returns the flow count. */
export async function scaleStore(
  src: string,
  dst: string,
  target: number,
  threads: number,
  log: (s: string) => void,
): Promise<number> {
  await copyFile(src, dst);
  const instance = await DuckDBInstance.create(dst, {
    threads: String(threads),
    preserve_insertion_order: 'false',
  });
  const c = await instance.connect();
  try {
    const count = async (t: string) =>
      Number((await c.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRowsJS()[0]?.[0]);
    const base = await count(STORE.table);
    if (base === 0) throw new Error('the store to scale is empty');
    // both tables of flow_store grow in proportion; flow_core keeps `end` as a duration
    const tables = [
      { name: STORE.core, shift: (d: number) => `start + ${d} AS start` },
      { name: STORE.wide, shift: (d: number) => `start + ${d} AS start, "end" + ${d} AS "end"` },
    ];
    const bases = new Map<string, number>();
    for (const t of tables) {
      bases.set(t.name, await count(t.name));
      await c.run(`CREATE TABLE ${t.name}_base AS SELECT * FROM ${t.name}`);
    }
    for (let k = 1, have = base; have < target; k++) {
      const n = Math.min(base, target - have);
      const started = performance.now();
      for (const t of tables) {
        const part = Math.round((n * (bases.get(t.name) as number)) / base);
        const limit = n < base ? ` LIMIT ${part}` : '';
        await c.run(
          `INSERT INTO ${t.name} SELECT * REPLACE (${t.shift(k * 86_400)}) FROM ${t.name}_base${limit}`,
        );
      }
      have += n;
      log(
        `  copy ${k}: ${have.toLocaleString('en')} flows (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    for (const t of tables) await c.run(`DROP TABLE ${t.name}_base`);
    await c.run('CHECKPOINT');
    return await count(STORE.table);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Times each query on a read-only engine: one warm-up run, then `runs` timed runs. */
export async function timeQueries(db: string, runs = 3): Promise<QueryTiming[]> {
  const engine = await DuckdbEngine.open({ path: db, readOnly: true });
  const out: QueryTiming[] = [];
  try {
    for (const q of benchQueries()) {
      let result = await engine.query(q.node);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        result = await engine.query(q.node);
        times.push(performance.now() - started);
      }
      const first = JSON.stringify(result.rows[0] ?? null, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
      out.push({ name: q.name, medianMs: median(times), runsMs: times, rows: result.rows.length, first });
    }
  } finally {
    await engine.close();
  }
  return out;
}
