// The SQL a filter compiles to: readable, qualified when asked, every user value bound (never
// spliced into the text), typed for its column. What the SQL selects is checked on DuckDB in
// duckdb.test.ts; this file pins its shape.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duckdbDialect, render } from '../sql/index.js';
import { compileFilter, FILTER_FIELDS, filterToSql, parseFilter } from './index.js';

const rendered = (text: string, table?: string) => {
  const { text: sqlText, params } = render(
    filterToSql(text, table === undefined ? {} : { table }),
    duckdbDialect,
  );
  return { text: sqlText, params };
};

describe('compileFilter', () => {
  it('is TRUE without a filter', () => {
    expect(render(compileFilter(undefined), duckdbDialect).text).toBe('TRUE');
    expect(rendered('   ').text).toBe('TRUE');
  });

  it.each<[string, string, unknown[]]>([
    ['dst port 443', '"dstport" = CAST($1 AS USMALLINT)', [443]],
    ['bytes > 1.5M', '"bytes" > CAST($1 AS BIGINT)', [1_500_000n]],
    ['not bytes > 1k', '"bytes" <= CAST($1 AS BIGINT)', [1000n]],
    ['start >= 2026-11-29', '"start" >= CAST($1 AS UINTEGER)', [1795910400]],
    ['proto udp', '"protocol" = CAST($1 AS UTINYINT)', [17]],
    ['action reject', '"action" = CAST($1 AS VARCHAR)', ['REJECT']],
    ['kind tgw', '"kind" = CAST($1 AS VARCHAR)', ['tgw']],
    ['flags syn', '("tcp_flags" & CAST($1 AS USMALLINT)) = CAST($2 AS USMALLINT)', [2, 2]],
    [
      'vpc_id = vpc-0abc',
      '"vpc_id" IN (SELECT id FROM "flow_dict" WHERE value = CAST($1 AS VARCHAR))',
      ['vpc-0abc'],
    ],
    [
      'vpc_id != vpc-0abc',
      '"vpc_id" IN (SELECT id FROM "flow_dict" WHERE value <> CAST($1 AS VARCHAR))',
      ['vpc-0abc'],
    ],
    [
      'not instance_id ~ i-0ab*',
      '"instance_id" IN (SELECT id FROM "flow_dict" WHERE NOT (value GLOB CAST($1 AS VARCHAR)))',
      ['i-0ab*'],
    ],
    [
      'interface_id in [eni-1, eni-2]',
      '"interface_id" IN (SELECT id FROM "flow_dict" WHERE value IN (CAST($1 AS VARCHAR), CAST($2 AS VARCHAR)))',
      ['eni-1', 'eni-2'],
    ],
    ['srcaddr = 10.1.2.3', '"srcaddr_v4" = CAST($1 AS UINTEGER)', [167838211]],
    [
      'srcaddr = 10.27.64.0/21',
      '"srcaddr_v4" BETWEEN CAST($1 AS UINTEGER) AND CAST($2 AS UINTEGER)',
      [169558016, 169560063],
    ],
    [
      'srcaddr != 10.27.64.0/21',
      '("srcaddr_v4" NOT BETWEEN CAST($1 AS UINTEGER) AND CAST($2 AS UINTEGER) OR "srcaddr_v6" IS NOT NULL)',
      [169558016, 169560063],
    ],
    [
      'dstaddr = 2001:db8::/32',
      '"dstaddr_v6" BETWEEN CAST($1 AS UHUGEINT) AND CAST($2 AS UHUGEINT)',
      [0x20010db8n << 96n, (0x20010db8n << 96n) | ((1n << 96n) - 1n)],
    ],
    ['srcaddr = null', '("srcaddr_v4" IS NULL AND "srcaddr_v6" IS NULL)', []],
    ['srcaddr != null', '("srcaddr_v4" IS NOT NULL OR "srcaddr_v6" IS NOT NULL)', []],
    ['instance_id = null', '"instance_id" IS NULL', []],
    [
      'port in [22, 3389, 1024-2048]',
      '(("srcport" IN (CAST($1 AS USMALLINT), CAST($2 AS USMALLINT)) OR "srcport" BETWEEN CAST($3 AS USMALLINT) AND CAST($4 AS USMALLINT))' +
        ' OR ("dstport" IN (CAST($5 AS USMALLINT), CAST($6 AS USMALLINT)) OR "dstport" BETWEEN CAST($7 AS USMALLINT) AND CAST($8 AS USMALLINT)))',
      [22, 3389, 1024, 2048, 22, 3389, 1024, 2048],
    ],
    [
      'not dst port in [22, 3389]',
      '"dstport" NOT IN (CAST($1 AS USMALLINT), CAST($2 AS USMALLINT))',
      [22, 3389],
    ],
    [
      'src host 10.1.2.3',
      'COALESCE("pkt_srcaddr_v4", CASE WHEN "pkt_srcaddr_v6" IS NULL THEN "srcaddr_v4" END) = CAST($1 AS UINTEGER)',
      [167838211],
    ],
  ])('compiles %j', (text, sql, params) => {
    expect(rendered(text)).toEqual({ text: sql, params });
  });

  it('pins the type of every bound value to its column', () => {
    const { types } = render(
      filterToSql('src net 2001:db8::/32 and bytes > 1k and vpc_id = x and dst port 22'),
      duckdbDialect,
    );
    expect(types).toEqual(['u128', 'u128', 'i64', 'text', 'u16']);
  });

  it('pushes not down to the leaves with De Morgan', () => {
    expect(rendered('not (proto tcp and dst port 22)').text).toBe(
      '("protocol" <> CAST($1 AS UTINYINT) OR "dstport" <> CAST($2 AS USMALLINT))',
    );
    expect(rendered('not (proto tcp or not dst port 22)').text).toBe(
      '("protocol" <> CAST($1 AS UTINYINT) AND "dstport" = CAST($2 AS USMALLINT))',
    );
  });

  it('qualifies every store column with the table alias, but not the dictionary', () => {
    const { text } = rendered('src net 10.0.0.0/8 and vpc_id = x and kind vpc', 'f');
    expect(text).toBe(
      '(COALESCE("f"."pkt_srcaddr_v4", CASE WHEN "f"."pkt_srcaddr_v6" IS NULL THEN "f"."srcaddr_v4" END) ' +
        'BETWEEN CAST($1 AS UINTEGER) AND CAST($2 AS UINTEGER) ' +
        'AND "f"."vpc_id" IN (SELECT id FROM "flow_dict" WHERE value = CAST($3 AS VARCHAR)) ' +
        'AND "f"."kind" = CAST($4 AS VARCHAR))',
    );
  });

  it('compiles once and renders the same every time', () => {
    const node = compileFilter(parseFilter('proto tcp and port 443'));
    expect(render(node, duckdbDialect)).toEqual(render(node, duckdbDialect));
  });

  it('never puts user text into the SQL, only into bound values', () => {
    // every value carries a marker that our own SQL never contains
    const text = fc.stringMatching(/^[A-Za-z0-9_*?.;:'"()-]{0,20}$/).map((s) => `ZQX${s}`);
    fc.assert(
      fc.property(fc.constantFrom(...FILTER_FIELDS.filter((f) => f.endsWith('_id'))), text, (field, v) => {
        const quoted = `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
        for (const op of ['=', '~', '>']) {
          const out = render(filterToSql(`${field} ${op} ${quoted}`), duckdbDialect);
          expect(out.params).toEqual([v]);
          expect(out.text).not.toContain('ZQX');
        }
      }),
    );
  });
});

describe('FILTER_FIELDS', () => {
  it('lists every column by SQL name, derived from the column table', () => {
    expect(FILTER_FIELDS).toContain('vpc_id');
    expect(FILTER_FIELDS).toContain('pkt_srcaddr');
    expect(FILTER_FIELDS).toContain('log_status');
    expect(new Set(FILTER_FIELDS).size).toBe(FILTER_FIELDS.length);
  });

  it.each([...FILTER_FIELDS])('accepts %s = null as a filter', (field) => {
    expect(parseFilter(`${field} = null`)).toEqual({ kind: 'isNull', field });
    expect(() => filterToSql(`${field} != null`)).not.toThrow();
  });
});
