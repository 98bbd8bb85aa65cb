// The fixtures in test/fixtures, written from the AWS documentation's example records, read
// whole and in small chunks.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Parsed, parse } from './test-support.js';

const fixture = (name: string): Uint8Array =>
  readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url));

function read(name: string): Parsed {
  const bytes = fixture(name);
  const whole = parse(bytes, { source: name });
  const cuts = Array.from({ length: Math.ceil(bytes.length / 13) }, (_, i) => i * 13);
  const chunked = parse(bytes, { source: name }, cuts);
  expect(chunked.flows).toEqual(whole.flows);
  expect(chunked.stats).toEqual(whole.stats);
  return whole;
}

describe('fixtures', () => {
  it('v2-default-accept-reject.log: the AWS accept, reject, ICMP and IPv6 examples', () => {
    const { flows, stats } = read('v2-default-accept-reject.log');
    expect(stats).toMatchObject({ lines: 5, flows: 5, rejected: 0 });
    expect(flows.map((f) => [f.fields.dstport, f.fields.protocol, f.fields.action])).toEqual([
      [22, 6, 'ACCEPT'],
      [3389, 6, 'REJECT'],
      [0, 1, 'ACCEPT'],
      [0, 1, 'REJECT'],
      [22, 6, 'ACCEPT'],
    ]);
    expect(flows[4]?.fields.srcaddr).toBe('2001:db8:1234:a100:8d6e:3477:df66:f105');
  });

  it('v2-nodata-skipdata.log: headerless NODATA and SKIPDATA records are kept without traffic', () => {
    const { flows, stats } = read('v2-nodata-skipdata.log');
    expect(stats).toMatchObject({ lines: 2, flows: 2, rejected: 0 });
    expect(flows.map((f) => f.fields)).toEqual([
      {
        version: 2,
        'account-id': '123456789010',
        'interface-id': 'eni-1235b8ca123456789',
        start: 1431280876,
        end: 1431280934,
        'log-status': 'NODATA',
      },
      {
        version: 2,
        'account-id': '123456789010',
        'interface-id': 'eni-11111111aaaaaaaaa',
        start: 1431280876,
        end: 1431280934,
        'log-status': 'SKIPDATA',
      },
    ]);
  });

  it('nat-gateway-pkt-addresses.log: both address pairs, instance-id NULL on the NAT gateway ENI', () => {
    const { flows } = read('nat-gateway-pkt-addresses.log');
    expect(flows).toHaveLength(5);
    expect(flows[1]?.fields).toEqual({
      'interface-id': 'eni-1235b8ca123456789',
      srcaddr: '10.0.1.5',
      dstaddr: '10.0.0.220',
      'pkt-srcaddr': '10.0.1.5',
      'pkt-dstaddr': '203.0.113.5',
    });
  });

  it('v5-custom-fields.log: a custom v5 layout, IPv6 and v5 fields', () => {
    const { flows, stats } = read('v5-custom-fields.log');
    expect(stats).toMatchObject({ lines: 3, flows: 3, rejected: 0 });
    expect(flows[0]?.fields).toMatchObject({
      version: 5,
      type: 'IPv4',
      'tcp-flags': 19,
      'flow-direction': 'egress',
      'traffic-path': 8,
      'pkt-dst-aws-service': 'S3',
      'az-id': 'use1-az1',
    });
    expect(flows[1]?.fields).not.toHaveProperty('traffic-path');
    expect(flows[2]?.fields).toMatchObject({ type: 'IPv6', srcaddr: '2600:1f18:1234:5600::10' });
    expect(flows[2]?.fields).not.toHaveProperty('instance-id');
  });

  it('tgw-36-fields.log: the default TGW layout, TGW kind, no action', () => {
    const { flows, stats } = read('tgw-36-fields.log');
    expect(stats).toMatchObject({ lines: 3, flows: 3, rejected: 0 });
    expect(flows.every((f) => f.kind === 'tgw' && !('action' in f.fields))).toBe(true);
    expect(flows[0]?.fields).toMatchObject({
      'resource-type': 'TransitGateway',
      'tgw-dst-vpc-account-id': '210987654321',
    });
    expect(flows[2]?.fields).toMatchObject({ 'packets-lost-no-route': 3n, dstaddr: '192.168.50.9' });
    expect(flows[2]?.fields).not.toHaveProperty('tgw-dst-vpc-id');
  });

  it('mid-file-header.log: concatenated files, each header switching the layout', () => {
    const { flows, stats } = read('mid-file-header.log');
    expect(stats).toMatchObject({ lines: 4, flows: 4, rejected: 0 });
    expect(flows.map((f) => f.fields['pkt-srcaddr'] ?? f.fields['log-status'])).toEqual([
      'OK',
      'OK',
      '10.0.1.5',
      'NODATA',
    ]);
  });

  it('v2-bad-lines.log: bad lines are counted by reason with their line numbers, good ones kept', () => {
    const { flows, stats } = read('v2-bad-lines.log');
    expect(flows).toHaveLength(2);
    expect(stats.rejectedByReason).toEqual({ 'field-count': 2, 'invalid-value': 2 });
    expect(stats.samples.map((s) => [s.line, s.reason])).toEqual([
      [3, 'field-count'],
      [4, 'invalid-value'],
      [5, 'field-count'],
      [7, 'invalid-value'],
    ]);
    expect(stats.samples[0]?.file).toBe('v2-bad-lines.log');
  });

  it('cloudwatch-subscription.json: one DATA_MESSAGE payload, each event message a record', () => {
    const { flows, stats } = read('cloudwatch-subscription.json');
    expect(stats).toMatchObject({ lines: 3, flows: 3, rejected: 0 });
    expect(flows.map((f) => f.fields['log-status'])).toEqual(['OK', 'OK', 'NODATA']);
  });

  it('cloudwatch-firehose-concatenated.jsonl: a CONTROL_MESSAGE and payloads back to back, as Firehose delivers them', () => {
    const { flows, stats } = read('cloudwatch-firehose-concatenated.jsonl');
    expect(stats).toMatchObject({ lines: 4, flows: 4, rejected: 0 });
    expect(flows.map((f) => f.fields['interface-id'])).toEqual([
      'eni-1235b8ca123456789',
      'eni-1235b8ca123456789',
      'eni-1235b8ca123456789',
      'eni-11111111aaaaaaaaa',
    ]);
  });

  it('cloudwatch-export-messages.jsonl: message lines, one of them broken', () => {
    const { flows, stats } = read('cloudwatch-export-messages.jsonl');
    expect(flows.map((f) => f.fields['log-status'])).toEqual(['OK', 'OK', 'SKIPDATA']);
    expect(stats.samples.map((s) => [s.line, s.reason])).toEqual([[3, 'bad-json']]);
  });

  it('structured-records.json: SQL and AWS keys, integral floats, int64 account ids, ms times', () => {
    const { flows, stats } = read('structured-records.json');
    expect(flows).toHaveLength(2);
    expect(flows[0]?.fields).toMatchObject({ 'account-id': '012345678901', srcport: 20641, packets: 20n });
    expect(flows[1]?.fields).toMatchObject({ start: 1418530010, action: 'REJECT' });
    expect(flows[1]?.extra).toEqual({ 'resource-id': 'eni-1235b8ca123456789' });
    expect(stats.rejectedByReason).toEqual({ 'invalid-value': 1 });
  });
});
