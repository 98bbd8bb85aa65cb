import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDictionary } from './dictionary.js';

const enc = new TextEncoder();

describe('the batch dictionary', () => {
  // short tokens from a small alphabet repeat often; some are non-ASCII, some collide in length
  const token = fc.oneof(
    fc.stringMatching(/^[a-f0-9-]{0,6}$/),
    fc.constantFrom('eni-0a1b2c3d4e5f60718', 'eni-0a1b2c3d4e5f60719', 'vpc-1', 'zürich', 'Zürich', '东京'),
    fc.string({ unit: 'grapheme', maxLength: 4 }),
  );

  it('gives each distinct text one id, whose string it keeps, and says whether a token is an id', () => {
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 50 }),
        (tokens, probes) => {
          const strings: string[] = [];
          const d = createDictionary(strings);
          const seen = new Map<string, number>();
          // tokens sit at varying offsets of one buffer, as they do in a line
          const bytes = tokens.map((t) => enc.encode(t));
          const buf = new Uint8Array(bytes.reduce((n, b) => n + b.length + 1, 0));
          let at = 0;
          const spans: [number, number][] = [];
          for (const b of bytes) {
            buf.set(b, at);
            spans.push([at, at + b.length]);
            at += b.length + 1;
          }
          tokens.forEach((t, k) => {
            const [s, e] = spans[k] as [number, number];
            const id = d.id(buf, s, e);
            expect(strings[id]).toBe(t);
            expect(id).toBe(seen.get(t) ?? strings.length - 1);
            seen.set(t, id);
          });
          expect(strings.length).toBe(seen.size);
          for (const p of probes) {
            if (tokens.length === 0) break;
            const k = p % tokens.length;
            const [s, e] = spans[k] as [number, number];
            const t = tokens[k] as string;
            const ascii = [...t].every((c) => c.charCodeAt(0) < 128);
            for (let id = 0; id < strings.length + 1; id++)
              expect(d.is(id, buf, s, e)).toBe(ascii && strings[id] === t);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
