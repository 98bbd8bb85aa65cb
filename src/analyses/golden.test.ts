// Golden SQL: each analysis, rendered in each dialect, is compared with a committed file under
// golden/<dialect>/<case>.sql (the text, then its bound values as a trailing `-- params:` comment),
// so every change to the SQL we send shows up in review as a diff. A missing golden fails; to
// (re)write them: UPDATE_GOLDEN=1 npx vitest run src/analyses/golden.test.ts
// Each query also runs on an empty DuckDB store, to prove it binds and executes.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbEngine } from '../engine/index.js';
import { filterToSql } from '../filter/index.js';
import { duckdbDialect, render, type SqlNode, sql } from '../sql/index.js';
import {
  DEFAULT_FLOW_COLUMNS,
  type Dimension,
  dimension,
  extent,
  flowList,
  matrix,
  sankey,
  timeSeries,
  topTalkers,
  totals,
} from './index.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const DIR = join(import.meta.dirname, 'golden', 'duckdb');

/** 2026-11-29T00:00:00Z to 2026-11-30T00:00:00Z */
const DAY = { since: 1_795_910_400, until: 1_795_996_800 } as const;

/** Chosen columns for flowList: both address pairs, a dictionary string, an enum, a counter. */
const SHOWN = 'start end srcaddr pkt_srcaddr dstaddr dstport vpc_id action reject_reason bytes'.split(' ');

/** A derived dimension, as the app builds segments from a policy: here an address's /24. */
const SRC_NET: Dimension = {
  name: 'src_net',
  keys: [sql`(${dimension('src').keys[0]} // 256)`],
  display: (k) => k(0),
  derive: { base: dimension('src'), map: (k) => sql`(${k(0)} // 256)` },
};

interface Case {
  readonly node: SqlNode;
  /** the columns the query answers with */
  readonly columns: readonly string[];
  /** what it answers on an empty store (no rows, unless it aggregates without grouping) */
  readonly empty?: readonly Record<string, unknown>[];
}

const CASES: Readonly<Record<string, Case>> = {
  'top-talkers-src': {
    node: topTalkers({ dimensions: ['src'], by: 'bytes', limit: 10 }),
    columns: ['src', 'bytes', 'share', 'other', 'rank'],
  },
  'top-talkers-vpc-id-by-packets-in-range': {
    node: topTalkers({ dimensions: ['vpc_id'], by: 'packets', range: DAY, limit: 5 }),
    columns: ['vpc_id', 'packets', 'share', 'other', 'rank'],
  },
  'top-talkers-src-vpc-id-dstport-filtered': {
    node: topTalkers({
      dimensions: ['src', 'vpc_id', 'dstport'],
      by: 'flows',
      where: filterToSql(
        '(src net 10.27.64.0/21 or dst net 2001:db8::/32) and dst port 443 and vpc_id = vpc-0abc',
      ),
      range: DAY,
      limit: 20,
    }),
    columns: ['src', 'vpc_id', 'dstport', 'flows', 'share', 'other', 'rank'],
  },
  'flow-list-default': {
    node: flowList({ limit: 100 }),
    columns: DEFAULT_FLOW_COLUMNS,
  },
  'flow-list-columns-filtered': {
    node: flowList({
      columns: SHOWN,
      where: filterToSql('action reject and not src net 10.0.0.0/8'),
      range: { since: DAY.since },
      limit: 50,
      offset: 100,
    }),
    columns: SHOWN,
  },
  'flow-list-computed-column': {
    node: flowList({
      columns: ['start', 'srcaddr', 'src_net'],
      computed: { src_net: sql`("srcaddr_v4" // 256)` },
      limit: 10,
    }),
    columns: ['start', 'srcaddr', 'src_net'],
  },
  'time-series-action': {
    node: timeSeries({ dimension: 'action', by: 'bytes', range: DAY, step: 300, limit: 5 }),
    columns: ['bucket', 'series', 'other', 'bytes'],
  },
  'time-series-src-filtered': {
    node: timeSeries({
      dimension: 'src',
      by: 'flows',
      where: filterToSql('dst port 443'),
      range: DAY,
      step: 3600,
      limit: 8,
    }),
    columns: ['bucket', 'series', 'other', 'flows'],
  },
  'time-series-service-known': {
    node: timeSeries({
      dimension: 'service',
      by: 'packets',
      range: DAY,
      step: 300,
      limit: 3,
      top: [443, null, 22],
    }),
    columns: ['bucket', 'series', 'other', 'packets'],
  },
  'top-talkers-dstport-keys': {
    node: topTalkers({ dimensions: ['dstport'], by: 'flows', range: DAY, limit: 8, keys: true }),
    columns: ['dstport', 'k0_0', 'flows', 'share', 'other', 'rank'],
  },
  'sankey-vpc-id-dstport-known': {
    node: sankey({
      dimensions: ['vpc_id', 'dstport'],
      by: 'flows',
      range: DAY,
      limit: 2,
      known: [undefined, [443, null]],
    }),
    columns: ['vpc_id', 'vpc_id_other', 'dstport', 'dstport_other', 'flows'],
  },
  'sankey-src-dstport': {
    node: sankey({ dimensions: ['src', 'dstport'], by: 'bytes', limit: 10 }),
    columns: ['src', 'src_other', 'dstport', 'dstport_other', 'bytes'],
  },
  'sankey-vpc-id-action-protocol-filtered': {
    node: sankey({
      dimensions: ['vpc_id', 'action', 'protocol'],
      by: 'packets',
      where: filterToSql('not proto icmp'),
      range: DAY,
      limit: 5,
    }),
    columns: ['vpc_id', 'vpc_id_other', 'action', 'action_other', 'protocol', 'protocol_other', 'packets'],
  },
  'totals-filtered': {
    node: totals({ where: filterToSql('src net 10.27.64.0/21'), range: DAY }),
    columns: ['flows', 'bytes', 'packets', 'accepted', 'rejected'],
    empty: [{ flows: 0n, bytes: 0n, packets: 0n, accepted: 0n, rejected: 0n }],
  },
  'matrix-vpc-id-dstport-in-range': {
    node: matrix({ from: 'vpc_id', to: 'dstport', range: DAY }),
    columns: ['from', 'to', 'flows', 'bytes', 'accepted', 'rejected'],
  },
  'matrix-derived-src-net-dst-filtered': {
    node: matrix({ from: SRC_NET, to: 'dst', where: filterToSql('action reject') }),
    columns: ['from', 'to', 'flows', 'bytes', 'accepted', 'rejected'],
  },
  'sankey-derived-src-net-dstport': {
    node: sankey({ dimensions: [SRC_NET, 'dstport'], by: 'flows', limit: 10 }),
    columns: ['src_net', 'src_net_other', 'dstport', 'dstport_other', 'flows'],
  },
  extent: {
    node: extent(),
    columns: ['first', 'last', 'records'],
    empty: [{ first: null, last: null, records: 0n }],
  },
};

/** The golden text: the SQL, then its bound values (bigints as strings, so JSON can hold them). */
function goldenText(node: SqlNode): string {
  const r = render(node, duckdbDialect);
  const params = JSON.stringify(r.params, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return `${r.text}\n-- params: ${params}\n`;
}

describe('golden SQL (duckdb)', () => {
  it.each(Object.keys(CASES))('%s renders as its committed golden file', (name) => {
    const file = join(DIR, `${name}.sql`);
    const actual = goldenText((CASES[name] as Case).node);
    if (UPDATE) {
      mkdirSync(DIR, { recursive: true });
      writeFileSync(file, actual);
    }
    if (!existsSync(file)) {
      expect.fail(
        `missing golden file ${file}; write it with: UPDATE_GOLDEN=1 npx vitest run src/analyses/golden.test.ts`,
      );
    }
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });

  it('has no golden file without a case (a renamed or removed case leaves none behind)', () => {
    const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.sql')) : [];
    expect(files.sort()).toEqual(
      Object.keys(CASES)
        .map((n) => `${n}.sql`)
        .sort(),
    );
  });
});

describe('golden SQL runs on an empty DuckDB store', () => {
  let engine: DuckdbEngine;
  beforeAll(async () => {
    engine = await DuckdbEngine.open({ path: ':memory:', readOnly: false });
  });
  afterAll(() => engine.close());

  it.each(Object.keys(CASES))('%s binds and executes', async (name) => {
    const c = CASES[name] as Case;
    const r = await engine.query(c.node);
    expect(r.columns).toEqual(c.columns);
    expect(r.rows).toEqual(c.empty ?? []);
  });
});
