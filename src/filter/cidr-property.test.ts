// Property: for random IPv4 and IPv6 blocks and addresses (boundaries included), the flows DuckDB
// selects with a compiled CIDR filter are exactly those flow/ip.ts cidrContains says are inside,
// and the negated filter selects exactly the other present addresses. `src net` looks at the
// packet address (pkt-srcaddr) when a flow has one, whatever its family.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestFlow, type TestStore } from '../../test/support/test-store.js';
import { type Address, type Cidr, cidrContains, formatAddress, parseCidr } from '../flow/index.js';
import { filterToSql } from './index.js';

const BITS = { v4: 32, v6: 128 } as const;
const max = (family: 'v4' | 'v6') => (1n << BigInt(BITS[family])) - 1n;

const anAddress = fc
  .constantFrom('v4' as const, 'v6' as const)
  .chain((family) => fc.bigInt({ min: 0n, max: max(family) }).map((value): Address => ({ family, value })));

const aBlock = anAddress.chain((a) =>
  fc.integer({ min: 0, max: BITS[a.family] }).map((prefix): Cidr => {
    const hostMask = (1n << BigInt(BITS[a.family] - prefix)) - 1n;
    const network = formatAddress({ family: a.family, value: a.value & ~hostMask });
    const c = parseCidr(`${network}/${prefix}`);
    if ('error' in c) throw new Error(c.error);
    return c;
  }),
);

/** The block's edges and their neighbours, so off-by-one bounds cannot hide. */
function edges(c: Cidr): Address[] {
  const values = [c.first - 1n, c.first, c.last, c.last + 1n].filter((v) => v >= 0n && v <= max(c.family));
  return values.map((value) => ({ family: c.family, value }));
}

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.close());

/** Each flow's srcaddr is `addresses[i]`; `packet[i]`, when given, is its pkt-srcaddr. */
async function check(
  block: Cidr,
  others: readonly Address[],
  filter: (text: string) => string,
  packet: readonly (Address | undefined)[] = [],
): Promise<void> {
  const addresses = [...edges(block), ...others];
  const flows: TestFlow[] = addresses.map((a, i) => {
    const pkt = packet[i];
    return {
      rid: i + 1,
      srcaddr: formatAddress(a),
      pkt_srcaddr: pkt === undefined ? null : formatAddress(pkt),
    };
  });
  await store.load([...flows, { rid: 0 }]); // rid 0: no address at all, matches neither way
  const inside = flows
    .filter((_, i) => cidrContains(block, packet[i] ?? (addresses[i] as Address)))
    .map((f) => f.rid);
  const outside = flows.map((f) => f.rid).filter((r) => !inside.includes(r));
  expect(await store.select(filterToSql(filter(block.text), { table: 'f' }))).toEqual(inside);
  expect(await store.select(filterToSql(`not (${filter(block.text)})`, { table: 'f' }))).toEqual(outside);
}

describe('CIDR filters agree with cidrContains', () => {
  it('selects the same flows for srcaddr = <block>', async () => {
    await fc.assert(
      fc.asyncProperty(aBlock, fc.array(anAddress, { maxLength: 12 }), (block, others) =>
        check(block, others, (cidr) => `srcaddr = ${cidr}`),
      ),
      { numRuns: 100 },
    );
  });

  it('selects the same flows for src net <block> when only srcaddr is known', async () => {
    await fc.assert(
      fc.asyncProperty(aBlock, fc.array(anAddress, { maxLength: 12 }), (block, others) =>
        check(block, others, (cidr) => `src net ${cidr}`),
      ),
      { numRuns: 100 },
    );
  });

  it('selects the same flows for src net <block> on the packet address when there is one', async () => {
    const maybePacket = fc.option(anAddress, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        aBlock,
        fc.array(anAddress, { maxLength: 12 }),
        fc.array(maybePacket, { maxLength: 16 }),
        (block, others, packet) => check(block, others, (cidr) => `src net ${cidr}`, packet),
      ),
      { numRuns: 100 },
    );
  });
});
