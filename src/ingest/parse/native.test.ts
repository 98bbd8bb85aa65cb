// The native text path must give exactly what the JavaScript parser gives: the same flows (every
// storage column, NULL included), the same stats and the same reject samples, for any input,
// any chunking and any batch size. The JavaScript parser is the reference.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMNS, DEFAULT_TGW_FORMAT, DEFAULT_VPC_FORMAT } from '../../flow/index.js';
import { parseFormat } from './layout.js';
import { nativeTextLines, nativeTextLinesProblem } from './native.js';
import { type Parsed, parse } from './test-support.js';

/** Tokens a field of each type may see: valid ones in several spellings, and near misses. */
const VALID: Record<string, fc.Arbitrary<string>> = {
  u8: fc.oneof(fc.nat(255).map(String), fc.constantFrom('0', '255', '007', '-')),
  u16: fc.oneof(fc.nat(65535).map(String), fc.constantFrom('65535', '0443', '-')),
  i64: fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map(String),
    fc.nat().map(String),
    fc.constantFrom('9007199254740993', '9223372036854775807', '0000000000000000001', '999999999999999', '-'),
  ),
  time: fc.oneof(
    fc.integer({ min: 0, max: 4294967295 }).map(String),
    fc.constantFrom('4294967295', '100000000000', '1700000000123', '4294967295999', '0', '-'),
  ),
  ip: fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom('010.000.1.1', '::', '::1', '1::', '::ffff:1.2.3.4', 'FE80::A', '-'),
  ),
  enum: fc.constantFrom(
    'ACCEPT',
    'accept',
    'Reject',
    'OK',
    'NODATA',
    'skipdata',
    'IPv4',
    'ipv6',
    'EFA',
    'ingress',
    'EGRESS',
    'TransitGateway',
    'transitgatewayattachment',
  ),
  string: fc.oneof(
    fc.constantFrom('eni-0a1b2c3d', 'vpc-1', '123456789012', 'us-east-1', 'S3', 'eni-0a1b2c3d', 'vpc-1', '-'),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }).filter((s) => !/\s/.test(s)),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }).filter((s) => !/\s/.test(s)),
  ),
};
const NEAR_MISS: Record<string, fc.Arbitrary<string>> = {
  u8: fc.constantFrom('256', '300', 'x', '1.5', '+1', '1234567890123456'),
  u16: fc.constantFrom('65536', '70000', '+1', '１', '0x10'),
  i64: fc.constantFrom('9223372036854775808', '18446744073709551615', '00000000000000000001', '12a', '-1'),
  time: fc.constantFrom(
    '4294967296',
    '99999999999',
    '4294967296000',
    '10000000000000000',
    '1e9',
    '17000000001234567',
  ),
  ip: fc.constantFrom(
    '10.0.0.256',
    '1.2.3',
    '1.2.3.4.5',
    'fe80::1%eth0',
    ':1',
    '1:2:3:4:5:6:7:8:9',
    '::1::',
    '1.2.3.4:80',
    '12345::',
  ),
  enum: fc.constantFrom('ACCEPTED', 'OKAY', 'ipv7', ''),
  string: fc.constant('-'), // a string field takes any token
};
const TOKENS: Record<string, fc.Arbitrary<string>> = Object.fromEntries(
  Object.keys(VALID).map((t) => [
    t,
    fc.oneof(
      { weight: 30, arbitrary: VALID[t] as fc.Arbitrary<string> },
      { weight: 1, arbitrary: NEAR_MISS[t] as fc.Arbitrary<string> },
    ),
  ]),
);

const KNOWN = COLUMNS.map((c) => c.aws);
const tokenFor = (field: string): fc.Arbitrary<string> => {
  const c = COLUMNS.find((x) => x.aws === field);
  if (c === undefined) return fc.constantFrom('x', 'unknown-value', '-');
  if (c.type === 'enum') {
    // the field's own words in any case, sometimes another field's
    const own = fc
      .tuple(fc.constantFrom(...(c.values ?? [])), fc.constantFrom('as is', 'lower', 'upper'))
      .map(([v, how]) => (how === 'lower' ? v.toLowerCase() : how === 'upper' ? v.toUpperCase() : v));
    return fc.oneof(
      { weight: 30, arbitrary: own },
      { weight: 1, arbitrary: TOKENS.enum as fc.Arbitrary<string> },
    );
  }
  return TOKENS[c.type] as fc.Arbitrary<string>;
};

/** A layout: a default format, or a random subset of known fields (sometimes with an unknown one). */
const layoutArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.constant(0).map(() => [...DEFAULT_VPC_FORMAT]),
  fc.constant(0).map(() => [...DEFAULT_TGW_FORMAT]),
  fc.uniqueArray(fc.constantFrom(...KNOWN), { minLength: 1, maxLength: 12 }),
  fc
    .uniqueArray(fc.constantFrom(...KNOWN), { minLength: 1, maxLength: 6 })
    .map((f) => [...f, 'x-future-field']),
);

const sep = fc.constantFrom(' ', ' ', ' ', '  ', '\t', ' \t ');
const lineEnd = fc.constantFrom('\n', '\n', '\n', '\r\n', ' \n');

/** One line under a layout: a record (sometimes a token short or long), a blank, or another header. */
const lineArb = (fields: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.tuple(...fields.map(tokenFor), sep, fc.constantFrom('', ' ', '\t')).map((t) => {
        const [lead, space] = [t[t.length - 1] as string, t[t.length - 2] as string];
        return lead + t.slice(0, -2).join(space);
      }),
    },
    { weight: 1, arbitrary: fc.tuple(...fields.map(tokenFor)).map((t) => t.slice(1).join(' ')) },
    { weight: 1, arbitrary: fc.tuple(...fields.map(tokenFor)).map((t) => [...t, '7'].join(' ')) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t', '\r') },
    { weight: 1, arbitrary: fc.constantFrom('version version', 'srcaddr x', 'ÿ 1 2', 'eni 1 2 3') },
  );

const section = (fields: string[]) =>
  fc
    .array(fc.tuple(lineArb(fields), lineEnd), { maxLength: 30 })
    .map((ls) => ls.map(([l, e]) => l + e).join(''));

/**
 * A file: its first layout given as a format, as a header line or not at all (then lines are
 * guessed), and sometimes later headers with lines of their own layouts.
 */
const fileArb: fc.Arbitrary<{ text: string; format: string | undefined }> = fc
  .tuple(layoutArb, fc.constantFrom('header', 'format', 'none'), fc.array(layoutArb, { maxLength: 2 }))
  .chain(([first, how, later]) =>
    fc
      .tuple(section(first), ...later.map((f) => section(f).map((body) => `${f.join(' ')}\n${body}`)))
      .map((parts) => ({
        text: (how === 'header' ? `${first.join(' ')}\n` : '') + parts.join(''),
        format: how === 'format' ? first.join(' ') : undefined,
      })),
  );

/** What must agree: flows read back column by column, stats and samples. */
function view(p: Parsed): unknown {
  return { flows: p.flows, stats: p.stats };
}

describe('native text lines', () => {
  it('is built (npm ci builds it; see native.ts)', () => {
    expect(nativeTextLinesProblem()).toBeUndefined();
    expect(nativeTextLines()).toBeDefined();
  });

  it('gives the same flows, stats and samples as the JavaScript parser, for any input, chunking and batch size', () => {
    fc.assert(
      fc.property(
        fileArb,
        fc.array(fc.nat(4000), { maxLength: 5 }),
        fc.integer({ min: 1, max: 9 }),
        ({ text, format }, cuts, batchSize) => {
          const opts = {
            batchSize,
            maxSamples: 50,
            ...(format === undefined ? {} : { format: parseFormat(format) }),
          };
          const js = parse(text, { ...opts, native: false }, cuts);
          const native = parse(text, { ...opts, native: true }, cuts);
          expect(view(native)).toEqual(view(js));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('reads a long run of plain lines across batches and chunks, and the lines after a rejected one', () => {
    const good = (i: number) =>
      `2 123456789012 eni-${i % 7} 10.0.${i % 256}.1 10.1.0.${i % 200} ${40000 + i} 443 6 ${i} ${i * 100} 1700000000 1700000060 ${i % 3 ? 'ACCEPT' : 'REJECT'} OK`;
    const lines = Array.from({ length: 5000 }, (_, i) => (i % 997 === 5 ? 'not a record' : good(i)));
    lines.splice(2500, 0, 'version srcaddr dstaddr', '2 10.0.0.1 ::1', DEFAULT_VPC_FORMAT.join(' '));
    const text = `${lines.join('\n')}\n`;
    const js = parse(text, { native: false, batchSize: 1000 }, [100, 7777, 50000]);
    const native = parse(text, { native: true, batchSize: 1000 }, [100, 7777, 50000]);
    // six 'not a record' lines rejected; one flow under the short header
    expect(native.stats.flows).toBe(5000 - 6 + 1);
    // before the first header no layout is known: lines are guessed (the JavaScript path)
    expect(native.stats.rejectedByReason['no-format']).toBe(3);
    expect(native.stats.rejectedByReason['field-count']).toBe(3);
    expect(view(native)).toEqual(view(js));
  });
});
