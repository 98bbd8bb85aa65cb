// Test support for the policy: a policy that uses every feature (nested CIDR segments of both
// families, groups, ids, the internet's children, every rule kind, scopes, both-ways,
// exceptions expiring around T) and a generator of flows aimed at its edges (the first and last
// address of blocks, pkt-* addresses, ids, flags, directions, TGW loss, times around T).

import fc from 'fast-check';
import { columnBySql } from '../../src/flow/index.js';
import { type Policy, type PolicyFlow, parsePolicy } from '../../src/policy/index.js';
import type { TestFlow } from './test-store.js';

export const T = Date.parse('2027-01-10T00:00:00Z') / 1000;
export const DAY = 86400;

export const DIFF_POLICY: Policy = parsePolicy(
  `segments:
  a: [10.1.0.0/16, 2001:db8:a::/48]
  a/web: 10.1.1.0/24
  a/web/lb: 10.1.1.10
  a/db: [10.1.2.0/24, 2001:db8:a:2::/64]
  b: { cidrs: [10.2.0.0/16], ids: [vpc-0000000b] }
  b/app: { ids: [subnet-0000000b1, eni-0000000b2] }
  c: { ids: [111111111111] }
  nat: 10.9.0.0/24
  internet/partners: [198.51.100.0/24, 2001:db8:f::/48]
  everything: 0.0.0.0/0
  both: { include: [a, b] }
rules:
  - name: across
    deny: { from: both, to: both, across: true, blocked: { min-flows: 2 } }
  - name: no-ssh-out
    deny: { from: any, to: internet, ports: [tcp/22, udp/1000-2000], both-ways: true }
  - name: web-only
    allow-only:
      to: a/web
      allow:
        - { from: internet, ports: tcp/443 }
        - { within: true }
  - name: out-via-nat
    egress-via: { from: [a, b, c], via: nat }
  - name: no-icmp-to-db
    deny: { from: any, to: a/db, ports: icmp, blocked: false }
exceptions:
  - { name: gone, rules: [no-ssh-out], from: a, reason: r, owner: o, expires: 2027-01-05 }
  - { name: soon, from: b, to: internet/partners, reason: r, owner: o, expires: 2027-01-10T12:00:00Z }
  - { name: later, rules: [across], from: a/db, reason: r, owner: o, expires: 2027-06-30 }
`,
  'diff.yaml',
);

const V4 = [
  '10.1.0.0',
  '10.1.1.9',
  '10.1.1.10',
  '10.1.1.255',
  '10.1.2.7',
  '10.0.255.255',
  '10.2.0.1',
  '10.2.255.255',
  '10.3.0.0',
  '10.9.0.5',
  '8.8.8.8',
  '198.51.100.1',
  '198.51.99.255',
  '192.168.1.1',
  '100.64.0.1',
  '203.0.113.9',
  '0.0.0.0',
  '255.255.255.255',
];
const V6 = [
  '2001:db8:a::1',
  '2001:db8:a:2::9',
  '2001:db8:f::5',
  '2600:1f18::1',
  'fe80::1',
  '::1',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];
const address = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...V4) },
  { weight: 2, arbitrary: fc.constantFrom(...V6) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const maybe = <T>(a: fc.Arbitrary<T>, pNull = 0.3) =>
  fc.oneof(
    { weight: Math.round((1 - pNull) * 10), arbitrary: a },
    { weight: Math.round(pNull * 10), arbitrary: fc.constant(null) },
  );
const id = (...xs: string[]) => maybe(fc.constantFrom(...xs), 0.3);

export const flowArb = fc.record({
  kind: fc.constantFrom('vpc', 'vpc', 'vpc', 'tgw') as fc.Arbitrary<'vpc' | 'tgw'>,
  log_status: fc.constantFrom('OK', 'OK', 'OK', 'OK', 'NODATA'),
  action: fc.constantFrom('ACCEPT', 'ACCEPT', 'REJECT', null),
  start: fc.constantFrom(T - 10 * DAY, T - 2 * DAY, T, T + 3600, T + 13 * 3600, T + 200 * DAY),
  /** seconds from start to end; NULL: a format without `end` */
  duration: maybe(fc.constantFrom(0, 59, 60), 0.4),
  srcaddr: address,
  dstaddr: address,
  pkt_srcaddr: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: address }),
  pkt_dstaddr: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: address }),
  srcport: maybe(fc.constantFrom(0, 22, 443, 1500, 3389, 40000, 65535), 0.1),
  dstport: maybe(fc.constantFrom(0, 22, 443, 1500, 3389, 40000, 65535), 0.1),
  protocol: maybe(fc.constantFrom(6, 6, 17, 1), 0.1),
  tcp_flags: maybe(fc.constantFrom(0, 1, 2, 3, 4, 18, 19), 0.3),
  packets: maybe(fc.constantFrom(0, 1, 10), 0.1),
  bytes: fc.constantFrom(60, 1500),
  packets_lost_no_route: maybe(fc.constantFrom(0, 1, 10), 0.5),
  packets_lost_blackhole: maybe(fc.constantFrom(0, 3), 0.7),
  flow_direction: maybe(fc.constantFrom('ingress', 'egress'), 0.3),
  traffic_path: maybe(fc.constantFrom(1, 2, 7, 8), 0.4),
  pkt_dst_aws_service: id('S3', 'EC2'),
  interface_id: id('eni-0000000b2', 'eni-00000009'),
  subnet_id: id('subnet-0000000b1', 'subnet-00000009'),
  vpc_id: id('vpc-0000000b', 'vpc-00000009'),
  account_id: id('111111111111', '222222222222'),
  tgw_src_vpc_id: id('vpc-0000000b', 'vpc-00000009'),
  tgw_dst_vpc_id: id('vpc-0000000b'),
  tgw_src_eni: id('eni-0000000b2'),
  tgw_dst_subnet_id: id('subnet-0000000b1'),
  tgw_dst_vpc_account_id: id('111111111111'),
});

export type GeneratedFlow = typeof flowArb extends fc.Arbitrary<infer R> ? R : never;

/** A generated flow as a test-store row: TGW records have no action and no interface; NODATA has no traffic fields. */
export function asTestFlow(f: GeneratedFlow, rid: number): TestFlow {
  const { duration, ...fields } = f;
  const out: Record<string, unknown> = { ...fields, rid, end: duration === null ? null : f.start + duration };
  if (f.kind === 'tgw') {
    out.action = null;
    out.interface_id = null;
  }
  if (f.log_status !== 'OK')
    for (const k of [
      'srcaddr',
      'dstaddr',
      'pkt_srcaddr',
      'pkt_dstaddr',
      'srcport',
      'dstport',
      'protocol',
      'action',
    ])
      out[k] = null;
  return out as TestFlow;
}

/** A test-store row as the matcher reads it (TS field names). */
export function asPolicyFlow(t: TestFlow): PolicyFlow {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) {
    const c = columnBySql(k);
    if (c !== undefined) out[c.ts] = v;
  }
  return { ...(out as unknown as PolicyFlow), kind: t.kind ?? 'vpc' };
}
