// Fuzzing: random bytes and mutated real lines never make the parser throw, every flow it keeps
// holds valid values, and no token ever lands in another field's column.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Column, columnByAws, type FlowBatch, isValid, STORAGE_COLUMNS } from '../../flow/index.js';
import { parse, type ReadFlow } from './test-support.js';

const enc = new TextEncoder();

/** Storage-level checks that hold for any flow the parser keeps, whatever the input. */
function checkBatch(b: FlowBatch): void {
  for (let row = 0; row < b.length; row++) {
    expect(b.kind[row]).toBeLessThanOrEqual(1);
    for (const s of STORAGE_COLUMNS) {
      if (!isValid(b.valid[s.name] as Uint8Array, row)) continue;
      const v = (b.data[s.name] as ArrayLike<number | bigint>)[s.physical === 'u128' ? row * 2 : row];
      if (s.physical === 'dict') expect(v as number).toBeLessThan(b.strings.length);
      if (s.physical === 'enum') expect(v as number).toBeLessThan(s.column.values?.length ?? 0);
      if (s.physical === 'i64') expect(v as bigint).toBeGreaterThanOrEqual(0n);
      if (s.family === 'v4')
        expect(isValid(b.valid[s.name.replace(/_v4$/, '_v6')] as Uint8Array, row)).toBe(false);
    }
    if (b.kind[row] === 1) expect(isValid(b.valid.action as Uint8Array, row)).toBe(false);
  }
}

describe('random bytes', () => {
  it.each([
    ['with no prefix', ''],
    ['after a header line', 'version srcaddr dstport action log-status packets\n'],
    ['after a JSON opening', '{"message":"'],
    ['after a JSON array opening', '[{"srcport":'],
  ])('never throw and keep only valid flows, %s', (_, prefix) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(700), { maxLength: 4 }),
        (bytes, cuts) => {
          const input = new Uint8Array([...enc.encode(prefix), ...bytes]);
          const { stats, batches } = parse(input, {}, cuts);
          expect(stats.lines).toBe(stats.flows + stats.rejected);
          expect(Object.values(stats.rejectedByReason).reduce((a, b) => a + b, 0)).toBe(stats.rejected);
          for (const b of batches) checkBatch(b);
        },
      ),
      { numRuns: 400 },
    );
  });
});

// One field of each checked type, with values no other field accepts at its place: a token
// that moves to another position makes the line invalid, so a kept flow shows whether fields
// were mis-mapped. (A string field takes any token, so it only appears in the differential test.)
const FIELDS = ['version', 'srcaddr', 'dstport', 'packets', 'start', 'action', 'log-status'];
const BASE = ['2', '10.1.1.1', '2222', '5000000000000000', '1600000000', 'ACCEPT', 'OK'];
const BASE_VALUES: Record<string, unknown> = {
  version: 2,
  srcaddr: '10.1.1.1',
  dstport: 2222,
  packets: 5000000000000000n,
  start: 1600000000,
  action: 'ACCEPT',
  'log-status': 'OK',
};
const HEADER = FIELDS.join(' ');
/** The differential test adds a string field and an unknown one. */
const WIDE_FIELDS = [...FIELDS, 'account-id', 'x-note'];
const WIDE_BASE = [...BASE, '000123456789', 'note'];

type Mutation = (tokens: string[]) => string[];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat(6).map((i) => (t: string[]) => t.filter((_, k) => k !== i)),
  fc.nat(6).map((i) => (t: string[]) => t.flatMap((x, k) => (k === i ? [x, x] : [x]))),
  fc.tuple(fc.nat(6), fc.nat(6)).map(([i, j]) => (t: string[]) => {
    const out = [...t];
    [out[i], out[j]] = [t[j] as string, t[i] as string];
    return out;
  }),
);

/** A naive reference reader: split(), regular expressions and flow/ip.ts. Slow, but plainly right. */
function reference(fields: readonly string[], line: string): Record<string, unknown> | 'rejected' | 'blank' {
  const tokens = line.split(/[ \t\r]+/).filter((t) => t !== '');
  if (tokens.length === 0) return 'blank';
  if (tokens.length !== fields.length) return 'rejected';
  const out: Record<string, unknown> = {};
  for (const [i, token] of tokens.entries()) {
    const c = columnByAws(fields[i] as string);
    if (token === '-' || c === undefined) continue;
    const v = refValue(c, token);
    if (v === undefined) return 'rejected';
    out[fields[i] as string] = v;
  }
  if (out['log-status'] === 'NODATA' || out['log-status'] === 'SKIPDATA') {
    delete out.packets;
    delete out.action;
  }
  return out;
}

function refValue(c: Column, t: string): unknown {
  const int = /^\d{1,15}$/.test(t) ? Number(t) : undefined;
  switch (c.type) {
    case 'u8':
      return int !== undefined && int <= 255 ? int : undefined;
    case 'u16':
      return int !== undefined && int <= 65535 ? int : undefined;
    case 'i64':
      return /^\d{1,19}$/.test(t) && BigInt(t) < 2n ** 63n ? BigInt(t) : undefined;
    case 'time': {
      const s = int !== undefined && int >= 1e11 ? Math.floor(int / 1000) : int;
      return s !== undefined && s < 2 ** 32 ? s : undefined;
    }
    case 'ip':
      return /^[0-9.]+$/.test(t) ? refIPv4(t) : undefined;
    case 'enum':
      return c.values?.find((v) => v.toLowerCase() === t.toLowerCase());
    default:
      return t;
  }
}

function refIPv4(t: string): string | undefined {
  const parts = t.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  return ok ? parts.map(Number).join('.') : undefined;
}

describe('mutated lines', () => {
  const base = BASE.join(' ');

  it('reads the unmutated line to the distinguishable values', () => {
    expect(parse(`${HEADER}\n${base}\n`).flows[0]?.fields).toEqual(BASE_VALUES);
  });

  it('never map a dropped, doubled or swapped token into another field', () => {
    fc.assert(
      fc.property(mutation, (m) => {
        const { flows } = parse(`${HEADER}\n${m([...BASE]).join(' ')}\n`);
        // Only a line with every token back at its own place may be kept.
        for (const f of flows) expect(f.fields).toEqual(BASE_VALUES);
      }),
      { numRuns: 500 },
    );
  });

  it('map token i to field i, as the reference reader does, after several mutations', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 2, maxLength: 4 }), (ms) => {
        const line = ms.reduce((t, m) => m(t), [...BASE]).join(' ');
        const expected = reference(FIELDS, line);
        const { flows } = parse(`${HEADER}\n${line}\n`);
        expect(flows.map((f) => f.fields)).toEqual(expected === 'rejected' ? [] : [expected]);
      }),
      { numRuns: 1000 },
    );
  });

  it('agree with the reference reader after random byte changes, changing at most the touched field', () => {
    const wide = WIDE_BASE.join(' ');
    const change = fc.tuple(fc.nat(wide.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 2 }), (changes) => {
        const bytes = [...enc.encode(wide)];
        for (const [at, byte, insert] of changes) bytes.splice(at, insert ? 0 : 1, byte);
        const input = new Uint8Array([...enc.encode(`${WIDE_FIELDS.join(' ')}\n`), ...bytes, 10]);
        const lines = new TextDecoder().decode(input).split('\n').slice(1, -1);
        const expected = lines.map((l) => reference(WIDE_FIELDS, l)).filter((r) => r !== 'blank');
        const { flows, batches } = parse(input);
        for (const b of batches) checkBatch(b);
        const kept = expected.filter((r): r is Record<string, unknown> => r !== 'rejected');
        expect(flows.map((f: ReadFlow) => f.fields)).toEqual(kept);
        const wideValues: Record<string, unknown> = { ...BASE_VALUES, 'account-id': '000123456789' };
        for (const f of flows) {
          const differing = Object.keys(wideValues).filter((n) => f.fields[n] !== wideValues[n]);
          expect(differing.length).toBeLessThanOrEqual(changes.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
