import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cidr, parseCidr } from '../flow/index.js';
import { internetBlocks, partition, pieceOf, type RankedBlock } from './intervals.js';
import { compileMatcher } from './matcher.js';
import { parsePolicy } from './parse-policy.js';
import { pairVerdict } from './verdict.js';

const POLICY = parsePolicy(
  `segments:
  a: 10.0.0.0/8
  a/b: 10.1.0.0/16
  a/b/c: 10.1.2.3
  dmz: 203.0.113.0/24
  internet/partners: 198.51.100.0/24
  v6: 2001:db8::/32
  nic: { ids: [eni-0123456789abcdef0] }
  group: { include: [a/b, dmz] }
rules:
  - { name: no-dmz, deny: { from: dmz, to: a } }
  - { name: web, allow-only: { to: a/b, allow: [{ from: dmz, ports: tcp/443 }] } }
`,
  'p.yaml',
);

describe('segments', () => {
  const m = compileMatcher(POLICY);
  it.each([
    ['10.1.2.3', 'a/b/c'],
    ['10.1.2.4', 'a/b'],
    ['10.200.0.1', 'a'],
    ['172.16.0.1', null],
    ['100.64.0.1', null],
    ['169.254.169.254', null],
    ['8.8.8.8', 'internet'],
    ['203.0.113.9', 'dmz'],
    ['198.51.100.7', 'internet/partners'],
    ['2001:db8::1', 'v6'],
    ['2600::1', 'internet'],
    ['fd00::1', null],
  ])('%s belongs to its most specific segment: %s', (address, segment) => {
    expect(m.segmentOf(address)).toBe(segment);
  });

  it('an interface id outranks an address block, on the interface side only', () => {
    const base = {
      start: 0,
      logStatus: 'OK',
      action: 'ACCEPT',
      protocol: 6,
      srcport: 40000,
      dstport: 443,
    } as const;
    const egress = m.classify({
      ...base,
      flowDirection: 'egress',
      interfaceId: 'eni-0123456789abcdef0',
      srcaddr: '10.1.2.4',
      dstaddr: '8.8.8.8',
    });
    expect([egress?.sseg, egress?.dseg].map((c) => POLICY.segments[(c ?? 0) - 1]?.name)).toEqual([
      'nic',
      'internet',
    ]);
    const ingress = m.classify({
      ...base,
      flowDirection: 'ingress',
      interfaceId: 'eni-0123456789abcdef0',
      srcaddr: '8.8.8.8',
      dstaddr: '10.1.2.4',
    });
    expect([ingress?.sseg, ingress?.dseg].map((c) => POLICY.segments[(c ?? 0) - 1]?.name)).toEqual([
      'internet',
      'nic',
    ]);
  });

  it('a reply is judged as its connection: client -> server on the service port', () => {
    const reply = {
      start: 0,
      logStatus: 'OK',
      action: 'ACCEPT',
      protocol: 6,
      srcaddr: '10.1.2.4',
      srcport: 443,
      dstaddr: '203.0.113.9',
      dstport: 51000,
      tcpFlags: 18,
    };
    expect(m.classify(reply)).toMatchObject({
      reply: true,
      port: 443,
      client: '203.0.113.9',
      server: '10.1.2.4',
    });
    expect(m.hits(reply).map((h) => [h.rule, h.finding, h.from, h.to, h.port])).toEqual([
      ['no-dmz', 'violation', 'dmz', 'a/b', 443],
    ]);
  });

  it('gives each pair of segments the verdict of the rules that cover it', () => {
    expect(pairVerdict(POLICY, 'dmz', 'a/b/c')).toEqual({ verdict: 'denied', rules: ['no-dmz', 'web'] });
    expect(pairVerdict(POLICY, 'internet', 'a/b')).toEqual({ verdict: 'denied', rules: ['web'] });
    expect(pairVerdict(POLICY, 'a', 'dmz')).toEqual({ verdict: 'open', rules: [] });
    expect(() => pairVerdict(POLICY, 'nowhere', 'a')).toThrow(/unknown segment 'nowhere'/);
  });
});

describe('the address partition', () => {
  const cidr = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([a, p]) => {
      const net = p === 0 ? 0 : Math.floor(a / 2 ** (32 - p)) * 2 ** (32 - p);
      return parseCidr(
        `${(net >>> 24) & 255}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${p}`,
      ) as Cidr;
    });

  it('finds, for any address, the most specific block that holds it (as a naive search does)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(cidr, { selector: (c) => c.text, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 30 }),
        (cidrs, addresses) => {
          const blocks: RankedBlock[] = cidrs.map((c, i) => ({
            cidr: c,
            rank: 1000 + c.prefix,
            code: i + 1,
          }));
          const pieces = partition('v4', blocks);
          for (const a of addresses) {
            const inside = blocks
              .filter((b) => BigInt(a) >= b.cidr.first && BigInt(a) <= b.cidr.last)
              .sort((x, y) => y.rank - x.rank);
            expect(pieceOf(pieces, BigInt(a))?.code).toBe(inside[0]?.code ?? 0);
          }
          for (const [i, p] of pieces.entries())
            if (i > 0) expect(p.first).toBe((pieces[i - 1]?.last ?? 0n) + 1n);
        },
      ),
    );
  });

  it('the internet is every address outside the special ranges', () => {
    const v4 = internetBlocks('v4');
    const size = v4.reduce((s, c) => s + (c.last - c.first + 1n), 0n);
    // 2^32 minus 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/3
    expect(size).toBe(
      2n ** 32n -
        (3n * 2n ** 24n + 2n ** 22n + 2n ** 16n + 2n ** 20n + 256n + 2n ** 16n + 2n ** 17n + 2n ** 29n),
    );
  });
});
