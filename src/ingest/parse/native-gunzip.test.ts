// The addon's gunzip must read what Node's gunzip reads: the same text for any gzip file (one or
// several members, zero padding after a member), fed in any blocks and inflated into any buffer
// size, and an error for input Node refuses (truncated, damaged, trailing garbage).

import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeGunzip } from './native.js';

/** All text of `gz`, fed in blocks cut at `cuts`, through an output buffer of `out` bytes. */
function inflate(gz: Uint8Array, cuts: readonly number[], out: number): Uint8Array {
  const g = nativeGunzip(out);
  if (g === undefined) throw new Error('the addon is not built');
  const parts: Uint8Array[] = [];
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < gz.length), gz.length])].sort(
    (a, b) => a - b,
  );
  for (let k = 0; k + 1 < points.length; k++) {
    const block = gz.slice(points[k], points[k + 1]); // a fresh buffer, as a file read gives
    for (let from = 0; from < block.length; ) {
      const { used, text } = g.step(block, from);
      from += used;
      if (text.length > 0) parts.push(text.slice());
      else if (used === 0) break;
    }
  }
  g.end();
  return Buffer.concat(parts);
}

const text = fc.oneof(
  fc.string({ maxLength: 3000 }),
  fc
    .array(fc.constantFrom('2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1 2 ACCEPT OK\n'), {
      maxLength: 400,
    })
    .map((l) => l.join('')),
);

describe('native gunzip', () => {
  it("inflates one or several members, padded or not, in any blocks, as Node's gunzip does", () => {
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 3 }),
        fc.nat(3),
        fc.array(fc.nat(20_000), { maxLength: 6 }),
        fc.constantFrom(64, 1000, 1 << 16),
        (texts, pad, cuts, out) => {
          // zero padding at the end only: Node stops at a zero byte after a member, the addon reads
          // on to a member after it (no file AWS writes has either)
          const gz = Buffer.concat([...texts.map((t) => gzipSync(t)), Buffer.alloc(pad)]);
          expect(Buffer.from(inflate(gz, cuts, out))).toEqual(gunzipSync(gz));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a truncated file, damaged data and garbage after a member, as Node does', () => {
    const gz = gzipSync('x'.repeat(5000) + 'abc\n'.repeat(2000));
    const truncated = gz.subarray(0, gz.length - 10);
    expect(() => gunzipSync(truncated)).toThrow(/unexpected end of file/);
    expect(() => inflate(truncated, [100], 1000)).toThrow(/unexpected end of file/);
    const damaged = Buffer.from(gz);
    damaged[20] = (damaged[20] as number) ^ 0xff;
    damaged[21] = (damaged[21] as number) ^ 0x55;
    expect(() => gunzipSync(damaged)).toThrow();
    expect(() => inflate(damaged, [], 1000)).toThrow();
    const garbage = Buffer.concat([gz, Buffer.from('not gzip')]);
    expect(() => gunzipSync(garbage)).toThrow(/incorrect header check/);
    expect(() => inflate(garbage, [], 1000)).toThrow(/incorrect header check/);
  });
});
