// Runs compiled filters on real DuckDB over a small store of hand-made flows and checks which
// flows each filter selects: the SQL means what the README says, NULLs and IPv6 included.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, T0 } from '../../test/support/test-flows.js';
import { createTestStore, type TestStore } from '../../test/support/test-store.js';
import { compileFilter, filterToSql, parseFilter } from './index.js';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
  await store.load(FLOWS);
});
afterAll(() => store.close());

const select = (text: string) => store.select(filterToSql(text, { table: 'f' }));
const ALL = FLOWS.map((f) => f.rid);

describe('filters run on DuckDB', () => {
  it.each<[string, number[]]>([
    ['', ALL],
    ['src net 10.27.64.0/21', [1, 10, 11]], // effective: 6's packet is 172.16.5.5, 7's is IPv6
    ['src net 10.27.64.0/21 and dst port 443', [1]],
    ['dst net 10.27.64.0/21', [11]],
    ['net 10.27.64.0/21', [1, 10, 11]],
    ['host 10.1.2.3', [1, 2, 3, 7]],
    ['src host 172.16.5.5', [6]],
    ['srcaddr = 10.27.64.10', [6]],
    ['srcaddr = 10.27.64.0/21', [1, 6, 7, 10, 11]],
    ['pkt_srcaddr = null', [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13]],
    ['pkt-srcaddr != null', [6, 7]],
    ['srcaddr = null', [8, 9]],
    ['src net 2001:db8::/32', [4, 7]],
    ['net 2001:db8::/32', [4, 7]],
    ['srcaddr = 2001:db8::/32', [4]],
    ['src host fe80::1', [5]],
    ['dst net ff00::/8', [5, 13]],
    ['dstaddr = ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', [13]],
    ['srcaddr = ::/0', [4, 5, 13]],
    ['srcaddr = 0.0.0.0/0', [1, 2, 3, 6, 7, 10, 11, 12]],
    ['srcaddr in [203.0.113.0/24, ::]', [2, 13]],
    ['not srcaddr in [203.0.113.0/24, ::]', [1, 3, 4, 5, 6, 7, 10, 11, 12]],
  ])('%s selects %j', async (text, rids) => {
    expect(await select(text)).toEqual(rids);
  });

  it.each<[string, number[]]>([
    ['port 443', [1, 6]],
    ['dst port 1024-65535', [4, 7, 10, 12, 13]],
    ['src port 1023', [12]],
    ['port in [22, 3389]', [2, 4]],
    ['port in [22, 1000-1023]', [2, 12]],
    ['not port 443', [2, 3, 4, 5, 7, 10, 11, 12, 13]],
    ['srcport = 0', [5, 11]],
    ['dstport >= 5432', [7, 10, 13]],
    ['proto tcp', [1, 2, 4, 6, 7, 10]],
    ['proto icmpv6', [5]],
    ['proto in [icmp, icmpv6]', [5, 11]],
    ['protocol = udp', [3, 12, 13]],
    ['protocol != 6', [3, 5, 11, 12, 13]],
    ['flags syn', [1, 2, 4]],
    ['flags synack', [1, 4]],
    ['flags fin', [1, 6]],
    ['flags rst', [7]],
    ['not flags syn', [3, 6, 7]],
  ])('%s selects %j', async (text, rids) => {
    expect(await select(text)).toEqual(rids);
  });

  it.each<[string, number[]]>([
    ['action reject', [2, 12]],
    ['action ACCEPT', [1, 3, 4, 5, 6, 7, 11, 13]],
    ['action = accept', [1, 3, 4, 5, 6, 7, 11, 13]],
    ['action != reject', [1, 3, 4, 5, 6, 7, 11, 13]],
    ['action = null', [8, 9, 10]],
    ['status nodata', [8]],
    ['status in [nodata, SkipData]', [8, 9]],
    ['log-status = SKIPDATA', [9]],
    ['not status ok', [8, 9]],
    ['kind tgw', [10]],
    ['kind vpc and not action accept', [2, 12]],
    ['type = ipv6', [4, 5, 13]],
    ['bytes > 1M', [1, 4, 6]],
    ['bytes >= 1M', [1, 4, 6, 12]],
    ['bytes = 1.5M', [4]],
    ['bytes > 5GiB', []],
    ['bytes = 5GiB', [6]],
    ['packets >= 10', [1, 4, 6, 12]],
    ['packets_lost_no_route > 0', [10]],
    ['start >= 2026-11-29T10:00:00Z', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]],
    ['start > 2026-11-29T10:00:00Z', [11]],
    ['start < 2026-11-29', [12]],
    [`end = ${T0 + 60}`, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13]],
  ])('%s selects %j', async (text, rids) => {
    expect(await select(text)).toEqual(rids);
  });

  it.each<[string, number[]]>([
    ['vpc_id = vpc-0abc', [1, 2, 6, 7, 11, 12]],
    ["vpc-id = 'vpc-0def'", [3, 4, 5]],
    ['vpc_id != vpc-0abc', [3, 4, 5, 13]],
    ['not vpc_id = vpc-0abc', [3, 4, 5, 13]],
    ['vpc_id = vpc-nothere', []],
    ['vpc_id != vpc-nothere', [1, 2, 3, 4, 5, 6, 7, 11, 12, 13]],
    ['not vpc_id = vpc-nothere', [1, 2, 3, 4, 5, 6, 7, 11, 12, 13]],
    ['vpc_id = null', [8, 9, 10]],
    ['interface_id in [eni-1, eni-2]', [1, 2, 8, 9, 11]],
    ['not interface_id in [eni-1, eni-2]', [3, 4, 5, 6, 7, 12, 13]],
    ['instance_id ~ i-0ab*', [1, 2]],
    ['instance_id ~ i-0ab12?', [1]],
    ['not instance_id ~ i-0ab*', [4]],
    ['instance_id = null', [3, 5, 6, 7, 8, 9, 10, 11, 12, 13]],
    ['tgw_id = tgw-0123', [10]],
    ['interface_id > eni-4', [6, 7, 12, 13]],
    ['account_id = 123456789012', ALL],
  ])('%s selects %j', async (text, rids) => {
    expect(await select(text)).toEqual(rids);
  });

  it.each<[string, number[]]>([
    ['proto tcp or proto udp and port 53', [1, 2, 3, 4, 6, 7, 10]],
    ['(proto tcp or proto udp) and port 53', [3]],
    ['not (src net 10.0.0.0/8 or dst net 10.0.0.0/8)', [4, 5, 6, 13]],
    ['not src net 10.0.0.0/8 and not dst net 10.0.0.0/8', [4, 5, 6, 13]],
    ['!(action accept) && kind vpc', [2, 12]],
    ['not not proto udp', [3, 12, 13]],
    ['action reject || status skipdata', [2, 9, 12]],
  ])('%s selects %j', async (text, rids) => {
    expect(await select(text)).toEqual(rids);
  });

  it('selects the same flows with and without a table qualifier', async () => {
    const text = 'src net 10.27.64.0/21 or vpc_id ~ vpc-0d*';
    const bare = await store.select(compileFilter(parseFilter(text)));
    expect(bare).toEqual(await select(text));
  });

  it('gives a flow with a missing field to neither a comparison nor its negation', async () => {
    const hit = await select('dstport = 443');
    const miss = await select('not dstport = 443');
    expect([...hit, ...miss].sort((a, b) => a - b)).toEqual(ALL.filter((r) => r !== 8 && r !== 9));
  });
});
