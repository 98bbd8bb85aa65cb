// The addon's stage order must leave a stage exactly as flow/stage-order.ts does: the same
// permutation, every column's bytes and validity bits (those past the stage untouched), for any
// stage: NULL interfaces and addresses, interfaces whose own address is either side, any widths.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reorderStage, type Stage } from '../../flow/index.js';
import { nativeReorderStage } from './native.js';

const WIDTHS = [4, 4, 4, 1, 2, 8, 16, 0] as const;

const stageArb = fc.integer({ min: 0, max: 400 }).chain((n) => {
  const addr = fc.option(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.nat({ max: 2 ** 32 - 1 })), { freq: 7 });
  return fc.record({
    n: fc.constant(n),
    iface: fc.array(
      fc.option(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(2 ** 32 - 1)), { freq: 9 }),
      { minLength: n, maxLength: n },
    ),
    src: fc.array(addr, { minLength: n, maxLength: n }),
    dst: fc.array(addr, { minLength: n, maxLength: n }),
    bytes: fc.uint8Array({ minLength: n * 35, maxLength: n * 35 }),
    valid: fc.uint8Array({ minLength: 8 * (Math.ceil(n / 8) + 1), maxLength: 8 * (Math.ceil(n / 8) + 1) }),
    alwaysValid: fc.integer({ min: 0, max: 7 }),
  });
});

type StageInput = typeof stageArb extends fc.Arbitrary<infer T> ? T : never;

function stageOf(x: StageInput): Stage {
  const vb = Math.ceil(x.n / 8) + 1;
  let at = 0;
  const columns = WIDTHS.map((width, k) => {
    const data = new Uint8Array(Math.max(1, x.n * width));
    data.set(x.bytes.subarray(at, at + x.n * width));
    at += x.n * width;
    const keys = [x.iface, x.src, x.dst][k];
    const valid = k === x.alwaysValid && k > 2 ? undefined : x.valid.slice(k * vb, (k + 1) * vb);
    if (keys !== undefined) {
      const view = new Uint32Array(data.buffer, 0, x.n);
      keys.forEach((v, i) => {
        const m = valid as Uint8Array;
        if (v === null) m[i >> 3] = (m[i >> 3] as number) & ~(1 << (i & 7));
        else {
          view[i] = v;
          m[i >> 3] = (m[i >> 3] as number) | (1 << (i & 7));
        }
      });
    }
    return { data, width, valid };
  });
  return { n: x.n, columns, iface: 0, src: 1, dst: 2 };
}

const snapshot = (s: Stage) =>
  s.columns.map((c) => [Array.from(c.data), c.valid === undefined ? null : Array.from(c.valid)]);

describe('the native stage order', () => {
  it('is the addon (npm ci builds it)', () => {
    expect(nativeReorderStage()).toBeTypeOf('function');
  });

  it('orders and moves any stage as the JavaScript one does', () => {
    const native = nativeReorderStage();
    if (native === undefined) throw new Error('the addon is not built');
    fc.assert(
      fc.property(stageArb, (x) => {
        const a = stageOf(x);
        const b = stageOf(x);
        const pa = [...reorderStage(a)];
        const pb = [...native(b)];
        expect(pb).toEqual(pa);
        expect(snapshot(b)).toEqual(snapshot(a));
      }),
      { numRuns: 300 },
    );
  });
});
