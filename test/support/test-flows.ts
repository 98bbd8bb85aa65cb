// Test support: a dozen hand-made flows covering IPv4 and IPv6 (with the extremes of both),
// pkt-* addresses of either family, ports and flags present and NULL, NODATA/SKIPDATA and a TGW
// record. duckdb.test.ts states which of them each filter selects.

import type { TestFlow } from './test-store.js';

export const T0 = Date.UTC(2026, 10, 29, 10, 0, 0) / 1000; // 2026-11-29T10:00:00Z
const base = { version: 5, account_id: '123456789012', log_status: 'OK', start: T0, end: T0 + 60 };

// biome-ignore format: one flow per line reads as a table
export const FLOWS: readonly TestFlow[] = [
  { ...base, rid: 1, interface_id: 'eni-1', vpc_id: 'vpc-0abc', instance_id: 'i-0ab123', srcaddr: '10.27.64.5', dstaddr: '10.1.2.3', srcport: 50000, dstport: 443, protocol: 6, packets: 1500, bytes: 2_000_000, action: 'ACCEPT', tcp_flags: 19 },
  { ...base, rid: 2, interface_id: 'eni-2', vpc_id: 'vpc-0abc', instance_id: 'i-0ab999', srcaddr: '203.0.113.9', dstaddr: '10.1.2.3', srcport: 40000, dstport: 22, protocol: 6, packets: 1, bytes: 60, action: 'REJECT', tcp_flags: 2 },
  { ...base, rid: 3, interface_id: 'eni-3', vpc_id: 'vpc-0def', instance_id: null, srcaddr: '10.1.2.3', dstaddr: '8.8.8.8', srcport: 53000, dstport: 53, protocol: 17, packets: 2, bytes: 120, action: 'ACCEPT', tcp_flags: 0 },
  { ...base, rid: 4, interface_id: 'eni-4', vpc_id: 'vpc-0def', instance_id: 'i-0cd456', srcaddr: '2001:db8:0:1::5', dstaddr: '2600:1f18::1', srcport: 61000, dstport: 3389, protocol: 6, packets: 10, bytes: 1_500_000, action: 'ACCEPT', tcp_flags: 18, type: 'IPv6' },
  { ...base, rid: 5, interface_id: 'eni-4', vpc_id: 'vpc-0def', srcaddr: 'fe80::1', dstaddr: 'ff02::1', srcport: 0, dstport: 0, protocol: 58, packets: 3, bytes: 216, action: 'ACCEPT', type: 'IPv6' },
  // NAT gateway: the ENI's addresses differ from the packet's
  { ...base, rid: 6, interface_id: 'eni-nat', vpc_id: 'vpc-0abc', srcaddr: '10.27.64.10', pkt_srcaddr: '172.16.5.5', dstaddr: '52.94.1.1', pkt_dstaddr: '52.94.1.1', srcport: 41000, dstport: 443, protocol: 6, packets: 20, bytes: 5_368_709_120, action: 'ACCEPT', tcp_flags: 1 },
  // a packet address of the other family than the ENI's
  { ...base, rid: 7, interface_id: 'eni-nat', vpc_id: 'vpc-0abc', srcaddr: '10.27.64.11', pkt_srcaddr: '2001:db8:1::7', dstaddr: '10.1.2.3', srcport: 42000, dstport: 8080, protocol: 6, packets: 4, bytes: 400, action: 'ACCEPT', tcp_flags: 4 },
  { ...base, rid: 8, interface_id: 'eni-1', log_status: 'NODATA', version: 2 },
  { ...base, rid: 9, interface_id: 'eni-2', log_status: 'SKIPDATA', version: 2 },
  { ...base, rid: 10, kind: 'tgw', tgw_id: 'tgw-0123', srcaddr: '10.27.70.1', dstaddr: '10.200.0.5', srcport: 39000, dstport: 5432, protocol: 6, packets: 7, bytes: 7000, packets_lost_no_route: 3 },
  { ...base, rid: 11, interface_id: 'eni-1', vpc_id: 'vpc-0abc', srcaddr: '10.27.71.255', dstaddr: '10.27.64.0', srcport: 0, dstport: 0, protocol: 1, packets: 1, bytes: 84, action: 'ACCEPT', start: T0 + 3600, end: T0 + 3660 },
  { ...base, rid: 12, interface_id: 'eni-5', vpc_id: 'vpc-0abc', srcaddr: '10.27.63.255', dstaddr: '10.27.72.0', srcport: 1023, dstport: 1024, protocol: 17, packets: 1000, bytes: 1_000_000, action: 'REJECT', start: T0 - 86400, end: T0 - 86340 },
  { ...base, rid: 13, interface_id: 'eni-6', vpc_id: 'vpc-0fff', srcaddr: '::', dstaddr: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', srcport: 65535, dstport: 65535, protocol: 17, packets: 1, bytes: 1024, action: 'ACCEPT', type: 'IPv6' },
];
