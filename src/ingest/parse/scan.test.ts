import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv6, parseIPv4, parseIPv6 } from '../../flow/index.js';
import { scanIPv4, scanIPv6, scanUint } from './scan.js';

const enc = new TextEncoder();

function v6(text: string): bigint | undefined {
  const words = new Uint16Array(8);
  const b = enc.encode(text);
  if (!scanIPv6(b, 0, b.length, words)) return undefined;
  return [...words].reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

function v4(text: string): number | undefined {
  const b = enc.encode(text);
  const n = scanIPv4(b, 0, b.length);
  return n < 0 ? undefined : n;
}

/** An IPv6 address written in one of its many valid forms. */
const ipv6Text = fc
  .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.constantFrom('short', 'full', 'upper', 'v4tail'))
  .map(([value, form]) => {
    const words = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
    switch (form) {
      case 'full':
        return words.map((w) => w.toString(16).padStart(4, '0')).join(':');
      case 'upper':
        return formatIPv6(value).toUpperCase();
      case 'v4tail': {
        const [w6, w7] = [words[6] as number, words[7] as number];
        const tail = `${w6 >> 8}.${w6 & 255}.${w7 >> 8}.${w7 & 255}`;
        return `${words
          .slice(0, 6)
          .map((w) => w.toString(16))
          .join(':')}:${tail}`;
      }
      default:
        return formatIPv6(value);
    }
  });

describe('byte scanners agree with the string parsers in flow/ip.ts', () => {
  it('read every text form of an IPv6 address to the same value', () => {
    fc.assert(
      fc.property(ipv6Text, (text) => {
        expect(v6(text)).toBe(parseIPv6(text));
        expect(v6(text)).not.toBeUndefined();
      }),
    );
  });

  it('accept and refuse the same IPv6-like strings', () => {
    const chars = fc.constantFrom(...'0123456789abcdefABCDEF:.:::'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 48 }), (text) => {
        expect(v6(text)).toBe(parseIPv6(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('accept and refuse the same IPv4-like strings', () => {
    const chars = fc.constantFrom(...'0123456789....'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 18 }), (text) => {
        expect(v4(text)).toBe(parseIPv4(text));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('scanUint', () => {
  it.each([
    ['0', 0],
    ['007', 7],
    ['999999999999999', 999999999999999],
    ['1000000000000000', -1],
    ['', -1],
    ['-1', -1],
    ['1.0', -1],
    ['+1', -1],
    ['1 ', -1],
  ])('reads %j as %d', (text, value) => {
    const b = enc.encode(text);
    expect(scanUint(b, 0, b.length)).toBe(value);
  });
});
