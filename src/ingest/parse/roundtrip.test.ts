// Property: for generated flows in a random layout (any subset and order of fields, unknown
// fields included), formatting them as a header and lines and parsing the bytes, cut into
// random chunks, gives back exactly the same values in the same columns.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  type Column,
  columnByAws,
  formatIPv4,
  formatIPv6,
  TGW_ONLY_FIELDS,
} from '../../flow/index.js';
import { parse, type Value } from './test-support.js';

interface Cell {
  /** the token written in the text */
  readonly token: string;
  /** what reading it must give: the readable value, or null */
  readonly value: Value;
}

const NULL: Cell = { token: '-', value: null };
const KNOWN = new Set(COLUMNS.map((c) => c.aws));
const WHITESPACE = /[ \t\r\n]/;

const word = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 10 })
  .filter((s) => !WHITESPACE.test(s) && s !== '-' && !KNOWN.has(s));

const randomCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => [...s].map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));

const v6Text = (v: bigint) =>
  fc.constantFrom('short', 'full', 'upper').map((form) => {
    if (form === 'short') return formatIPv6(v);
    if (form === 'upper') return formatIPv6(v).toUpperCase();
    return Array.from({ length: 8 }, (_, i) =>
      ((v >> BigInt((7 - i) * 16)) & 0xffffn).toString(16).padStart(4, '0'),
    ).join(':');
  });

function cellOf(c: Column): fc.Arbitrary<Cell> {
  const num = (max: number) => fc.integer({ min: 0, max }).map((n): Cell => ({ token: String(n), value: n }));
  switch (c.type) {
    case 'u8':
      return num(255);
    case 'u16':
      return num(65535);
    case 'i64':
      return fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map((n) => ({ token: String(n), value: n }));
    case 'time':
      return fc
        .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 999 }))
        .map(([s, ms]) =>
          // Epoch milliseconds are only recognised from 1e11 on (1973), so only later times use them.
          s >= 1e8 && ms % 2 === 0
            ? { token: String(s * 1000 + ms), value: s }
            : { token: String(s), value: s },
        );
    case 'ip':
      return fc.oneof(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => ({ token: formatIPv4(n), value: formatIPv4(n) })),
        fc
          .bigInt({ min: 0n, max: (1n << 128n) - 1n })
          .chain((v) => v6Text(v).map((token) => ({ token, value: formatIPv6(v) }))),
      );
    case 'enum': {
      const values = c.values ?? [];
      return fc.constantFrom(...values).chain((v) => randomCase(v).map((token) => ({ token, value: v })));
    }
    case 'string':
      return word.map((w) => ({ token: w, value: w }));
    default: {
      const never: never = c.type;
      throw new Error(`no generator for ${String(never)}`);
    }
  }
}

const unknownName = fc.stringMatching(/^x-[a-z][a-z0-9-]{0,8}$/);

const layoutArb = fc
  .tuple(
    fc.shuffledSubarray(
      COLUMNS.map((c) => c.aws),
      { minLength: 1, maxLength: 20 },
    ),
    fc.uniqueArray(unknownName, { maxLength: 3 }),
  )
  .chain(([known, unknown]) =>
    fc.shuffledSubarray([...known, ...unknown], { minLength: known.length + unknown.length }),
  )
  .filter((names) => names.some((n) => KNOWN.has(n)));

const cellFor = (name: string): fc.Arbitrary<Cell> => {
  const c = columnByAws(name);
  const value = c === undefined ? word.map((w) => ({ token: w, value: w })) : cellOf(c);
  return fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(NULL) });
};

const separator = fc.stringMatching(/^[ \t]{1,3}$/);

/** A layout, its flows, and the text: header, lines with random separators, ends and blank lines. */
const inputArb = layoutArb.chain((names) =>
  fc
    .array(fc.tuple(...names.map(cellFor)), { maxLength: 12 })
    .chain((rows) =>
      fc.tuple(
        fc.constant(names),
        fc.constant(rows),
        fc.array(fc.tuple(separator, separator, fc.constantFrom('\n', '\r\n', '\n \n')), {
          minLength: rows.length + 1,
          maxLength: rows.length + 1,
        }),
      ),
    )
    .map(([names, rows, seps]) => {
      const lines = [names, ...rows.map((r) => r.map((c) => c.token))].map((tokens, i) => {
        const [sep, edge, end] = seps[i] as [string, string, string];
        return `${edge}${tokens.join(sep)}${edge}${end}`;
      });
      return { names, rows, text: lines.join('') };
    }),
);

function expected(names: readonly string[], row: readonly Cell[]) {
  const tgw = names.some((n) => TGW_ONLY_FIELDS.includes(n));
  const status = row[names.indexOf('log-status')]?.value;
  const noTraffic = status === 'NODATA' || status === 'SKIPDATA';
  const fields: Record<string, Value> = {};
  const extra: Record<string, string | null> = {};
  names.forEach((n, i) => {
    const v = (row[i] as Cell).value;
    if (!KNOWN.has(n)) extra[n] = v as string | null;
    else if (
      v !== null &&
      !(tgw && n === 'action') &&
      !(noTraffic && ['packets', 'bytes', 'action'].includes(n))
    )
      fields[n] = v;
  });
  const hasExtra = names.some((n) => !KNOWN.has(n));
  return { kind: tgw ? 'tgw' : 'vpc', fields, extra: hasExtra ? extra : undefined };
}

describe('parse(format(flows)) == flows', () => {
  it('holds for random layouts, values, separators and chunk boundaries', () => {
    fc.assert(
      fc.property(inputArb, fc.array(fc.nat(4000), { maxLength: 6 }), ({ names, rows, text }, cuts) => {
        const { flows, stats } = parse(text, { batchSize: 5 }, cuts);
        expect(stats).toMatchObject({ lines: rows.length, flows: rows.length, rejected: 0 });
        expect(flows.map((f) => ({ kind: f.kind, fields: f.fields, extra: f.extra }))).toEqual(
          rows.map((r) => expected(names, r)),
        );
      }),
      { numRuns: 300 },
    );
  });
});
