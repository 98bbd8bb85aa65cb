import { describe, expect, it } from 'vitest';
import type { FlowBatch } from '../../flow/index.js';
import { createRecordSink, type FlowRecord } from './record-sink.js';
import { readBatches } from './test-support.js';

function sink(records: readonly FlowRecord[]) {
  const batches: FlowBatch[] = [];
  const s = createRecordSink({ source: 'rows.parquet', batchSize: 64 }, (b) => batches.push(b));
  for (const [i, r] of records.entries()) s.push(r, i + 1);
  s.end();
  return { flows: readBatches(batches), stats: s.stats, batches };
}

describe('structured records (Parquet rows, JSON records)', () => {
  it('reads keys in SQL and in AWS spelling', () => {
    const { flows } = sink([{ log_status: 'OK', 'tcp-flags': 18, pkt_srcaddr: '10.0.0.1' }]);
    expect(flows[0]?.fields).toEqual({ 'log-status': 'OK', 'tcp-flags': 18, 'pkt-srcaddr': '10.0.0.1' });
  });

  it.each([
    ['an integral float port', { dstport: 25238.0 }, 'dstport', 25238],
    ['a bigint counter', { bytes: 9007199254740993n }, 'bytes', 9007199254740993n],
    ['a numeric string', { srcport: '443' }, 'srcport', 443],
    ['epoch milliseconds', { start: 1418530010123 }, 'start', 1418530010],
    ['an int64 account id', { account_id: 12345678901 }, 'account-id', '012345678901'],
    ['a bigint account id', { account_id: 7n }, 'account-id', '000000000007'],
    ['a numeric TGW account id', { tgw_src_vpc_account_id: 42 }, 'tgw-src-vpc-account-id', '000000000042'],
    ['a string account id', { 'account-id': '000000000000' }, 'account-id', '000000000000'],
    ['a string with spaces', { ecs_service_name: 'my service' }, 'ecs-service-name', 'my service'],
    ['a lower-case enum', { action: 'reject' }, 'action', 'REJECT'],
  ])('reads %s', (_, record, field, value) => {
    const { flows, stats } = sink([record]);
    expect(stats.rejected).toBe(0);
    expect(flows[0]?.fields[field]).toBe(value);
  });

  it.each([
    ['a non-integral float', { dstport: 22.5 }],
    ['a negative number', { packets: -1 }],
    ['a port out of range', { srcport: 70000 }],
    ['NaN', { bytes: Number.NaN }],
    ['a boolean', { srcport: true }],
    ['an object', { srcaddr: { ip: '10.0.0.1' } }],
    ['a number for an address', { srcaddr: 167772161 }],
    ['a negative account id', { account_id: -5 }],
  ])('rejects %s as invalid-value and writes nothing', (_, record) => {
    const { flows, stats } = sink([record, { srcport: 1 }]);
    expect(stats.rejectedByReason).toEqual({ 'invalid-value': 1 });
    expect(flows.map((f) => f.fields)).toEqual([{ srcport: 1 }]);
  });

  it.each([null, undefined, '-'])('reads %s as NULL', (v) => {
    const { flows } = sink([{ srcport: 1, dstport: v, action: v, srcaddr: v }]);
    expect(flows[0]?.fields).toEqual({ srcport: 1 });
  });

  it('keeps unknown keys in extra', () => {
    const { flows } = sink([{ srcport: 1, 'resource-id': 'eni-1', traffic_class: 3, 'next-hop': null }]);
    expect(flows[0]?.extra).toEqual({ 'resource-id': 'eni-1', traffic_class: '3', 'next-hop': null });
  });

  it('makes a record with a TGW-only value a TGW record with a NULL action', () => {
    const { flows } = sink([
      { tgw_id: 'tgw-1', action: 'ACCEPT', srcport: 1 },
      { tgw_id: null, action: 'ACCEPT', srcport: 2 },
    ]);
    expect(flows.map((f) => [f.kind, f.fields.action ?? null])).toEqual([
      ['tgw', null],
      ['vpc', 'ACCEPT'],
    ]);
  });

  it('applies the NODATA rule and counts start after end', () => {
    const { flows, stats } = sink([
      { log_status: 'NODATA', packets: 3, bytes: 9, action: 'ACCEPT', start: 10, end: 5 },
    ]);
    expect(flows[0]?.fields).toEqual({ 'log-status': 'NODATA', start: 10, end: 5 });
    expect(stats.startAfterEnd).toBe(1);
  });

  it.each([
    ['the same field in both spellings', { log_status: 'OK', 'log-status': 'OK' }, 'duplicate-field'],
    ['no field we know', { hello: 'world' }, 'no-format'],
  ])('rejects a record with %s', (_, record, reason) => {
    const { stats } = sink([record]);
    expect(stats.rejectedByReason).toEqual({ [reason]: 1 });
    expect(stats.samples[0]).toMatchObject({ file: 'rows.parquet', line: 1, reason });
  });

  it('samples a rejected record as JSON, bigints included', () => {
    const { stats } = sink([{ srcport: 1.5, bytes: 5n }]);
    expect(stats.samples[0]?.text).toBe('{"srcport":1.5,"bytes":"5"}');
  });
});
