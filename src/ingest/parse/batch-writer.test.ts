import { describe, expect, it } from 'vitest';
import { type FlowBatch, STORAGE_COLUMNS } from '../../flow/index.js';
import { createParser } from './parser.js';
import { parse, present } from './test-support.js';

const enc = new TextEncoder();

describe('batches', () => {
  it('emits full batches of batchSize flows and the partial last one at end()', () => {
    const lines = Array.from({ length: 5 }, (_, i) => `${1000 + i} 443`).join('\n');
    const { batches, flows } = parse(`srcport dstport\n${lines}\n`, { batchSize: 2 });
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(new Set(batches).size).toBe(3); // a fresh batch each time: ownership passes on
    expect(flows.map((f) => f.fields.srcport)).toEqual([1000, 1001, 1002, 1003, 1004]);
  });

  it('emits nothing for input without flows', () => {
    expect(parse('srcport dstport\n\n').batches).toEqual([]);
    expect(parse('').batches).toEqual([]);
  });

  it('hands a batch over as soon as it is full, before end()', () => {
    const seen: FlowBatch[] = [];
    const p = createParser({ source: 's', batchSize: 1 }, (b) => seen.push(b));
    p.push(enc.encode('srcport\n1\n2\n'));
    expect(seen).toHaveLength(2);
    p.end();
    expect(seen).toHaveLength(2);
  });
});

describe('storage layout', () => {
  it('stores IPv4 in the _v4 column and IPv6 in the _v6 column, the other NULL', () => {
    const { batches } = parse('srcaddr dstaddr pkt-srcaddr\n10.0.0.1 2001:db8::1 ::ffff:1.2.3.4\n');
    const b = batches[0] as FlowBatch;
    expect([present(b, 'srcaddr_v4', 0), present(b, 'srcaddr_v6', 0)]).toEqual([true, false]);
    expect([present(b, 'dstaddr_v4', 0), present(b, 'dstaddr_v6', 0)]).toEqual([false, true]);
    expect((b.data.srcaddr_v4 as Uint32Array)[0]).toBe(0x0a000001);
    // IPv6 as two 64-bit words per row, low word first.
    expect([...(b.data.dstaddr_v6 as BigUint64Array).subarray(0, 2)]).toEqual([1n, 0x20010db800000000n]);
    // An IPv4-mapped IPv6 address stays IPv6.
    expect([present(b, 'pkt_srcaddr_v4', 0), present(b, 'pkt_srcaddr_v6', 0)]).toEqual([false, true]);
    expect((b.data.pkt_srcaddr_v6 as BigUint64Array)[0]).toBe(0xffff01020304n);
  });

  it('writes i64 values across both 32-bit halves', () => {
    const { batches } = parse('packets bytes\n4294967301 9223372036854775807\n');
    const b = batches[0] as FlowBatch;
    expect((b.data.packets as BigInt64Array)[0]).toBe(4294967301n);
    expect((b.data.bytes as BigInt64Array)[0]).toBe(9223372036854775807n);
  });

  it('stores enums as the index of their value', () => {
    const { batches } = parse('action log-status\nREJECT SKIPDATA\n');
    expect((batches[0] as FlowBatch).data.log_status?.[0]).toBe(2);
  });

  it('keeps each distinct string once per batch, with its own dictionary in every batch', () => {
    const input = 'interface-id vpc-id\neni-a vpc-1\neni-b vpc-1\neni-a vpc-1\neni-c vpc-2\n';
    const { batches } = parse(input, { batchSize: 3 });
    const [first, second] = batches as [FlowBatch, FlowBatch];
    expect(first.strings).toEqual(['eni-a', 'vpc-1', 'eni-b']);
    expect([...(first.data.interface_id as Uint32Array).subarray(0, 3)]).toEqual([0, 2, 0]);
    expect(second.strings).toEqual(['eni-c', 'vpc-2']);
    expect((second.data.vpc_id as Uint32Array)[0]).toBe(1);
  });

  it('finds every one of many distinct strings again, ASCII or not', () => {
    const ids = Array.from({ length: 5000 }, (_, i) =>
      i % 7 === 0 ? `eni-\u00e9${i}` : `eni-${i.toString(16)}`,
    );
    const lines = [...ids, ...ids.slice().reverse()].map((id) => `${id}\n`).join('');
    const { batches, flows } = parse(`interface-id\n${lines}`, { batchSize: 20000 });
    expect(flows.map((f) => f.fields['interface-id'])).toEqual([...ids, ...ids.slice().reverse()]);
    expect(batches[0]?.strings).toHaveLength(ids.length);
  });

  it('tells apart two strings whose hashes collide', () => {
    // Both have the same 32-bit FNV-1a hash and length: only the byte compare separates them.
    const { flows, batches } = parse('interface-id\neni-0007a0f5\neni-000aec20\neni-0007a0f5\n');
    expect(flows.map((f) => f.fields['interface-id'])).toEqual([
      'eni-0007a0f5',
      'eni-000aec20',
      'eni-0007a0f5',
    ]);
    expect(batches[0]?.strings).toEqual(['eni-0007a0f5', 'eni-000aec20']);
  });

  it('starts every value NULL: a layout writes only its own columns', () => {
    const { batches } = parse('srcport\n80\n');
    const b = batches[0] as FlowBatch;
    const set = STORAGE_COLUMNS.filter((s) => present(b, s.name, 0)).map((s) => s.name);
    expect(set).toEqual(['srcport']);
  });
});

describe('streaming', () => {
  const input =
    'interface-id srcaddr region\r\neni-caf\u00e9 10.0.0.1 \u{1F30D}-east\r\n  \r\neni-b 2001:db8::2 us-east-1';
  const whole = parse(input);

  it('reads the sample input', () => {
    expect(whole.flows.map((f) => f.fields)).toEqual([
      { 'interface-id': 'eni-caf\u00e9', srcaddr: '10.0.0.1', region: '\u{1F30D}-east' },
      { 'interface-id': 'eni-b', srcaddr: '2001:db8::2', region: 'us-east-1' },
    ]);
  });

  it('gives the same flows whichever byte a chunk ends on (lines and UTF-8 characters span chunks)', () => {
    const n = enc.encode(input).length;
    for (let at = 1; at < n; at++) {
      const split = parse(input, {}, [at]);
      expect(split.flows, `cut at byte ${at}`).toEqual(whole.flows);
      expect(split.stats).toEqual(whole.stats);
    }
  });

  it('gives the same flows when every byte is its own chunk', () => {
    const n = enc.encode(input).length;
    expect(
      parse(
        input,
        {},
        Array.from({ length: n }, (_, i) => i),
      ).flows,
    ).toEqual(whole.flows);
  });

  it('refuses a chunk after end(), which is a bug in the caller', () => {
    const p = createParser({ source: 's' }, () => {});
    p.end();
    expect(() => p.push(enc.encode('x'))).toThrow(/after end/);
  });
});
