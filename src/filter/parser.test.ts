// Parser tests: every keyword, precedence, quoting, suffixes and times, shown as compact
// s-expressions; and every error with its message, exact column and hint.

import { describe, expect, it } from 'vitest';
import type { FieldValue, FilterExpr } from './index.js';
import { parseFilter } from './index.js';

function value(v: FieldValue): string {
  if (typeof v === 'object') return v.text;
  return typeof v === 'bigint' ? `${v}n` : String(v);
}

/** A filter AST as a short s-expression, so tables of expectations stay readable. */
function show(e: FilterExpr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.kind} ${e.terms.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(e.term)})`;
    case 'address':
      return `${e.side}:addr[${e.cidrs.map((c) => c.text).join(',')}]`;
    case 'port':
      return `${e.side}:port[${e.ranges.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(',')}]`;
    case 'flags':
      return `flags&${e.mask}`;
    case 'flowKind':
      return `kind=${e.value}`;
    case 'compare':
      return `${e.field}${e.op}${value(e.value)}`;
    case 'in':
      return `${e.field} in [${e.values.map(value).join(',')}]`;
    case 'glob':
      return `${e.field}~${e.pattern}`;
    case 'isNull':
      return `${e.field}=null`;
  }
}

const parsed = (text: string): string => {
  const e = parseFilter(text);
  return e === undefined ? 'undefined' : show(e);
};

describe('parseFilter', () => {
  it.each(['', '   ', '\n\t '])('returns undefined for blank text %j', (text) => {
    expect(parseFilter(text)).toBeUndefined();
  });

  it.each([
    ['host 10.1.2.3', 'either:addr[10.1.2.3/32]'],
    ['src host 10.1.2.3', 'src:addr[10.1.2.3/32]'],
    ['dst host 2001:db8::1', 'dst:addr[2001:db8::1/128]'],
    ['net 2001:db8::/32', 'either:addr[2001:db8::/32]'],
    ['src net 10.27.64.0/21', 'src:addr[10.27.64.0/21]'],
    ['dst addr 10.0.0.0/8', 'dst:addr[10.0.0.0/8]'],
    ['addr 10.0.0.1', 'either:addr[10.0.0.1/32]'],
    ['net in [10.0.0.0/8, 192.168.0.0/16]', 'either:addr[10.0.0.0/8,192.168.0.0/16]'],
    ['port 443', 'either:port[443]'],
    ['dst port 1024-65535', 'dst:port[1024-65535]'],
    ['src port in [22, 3389, 8000-8100]', 'src:port[22,3389,8000-8100]'],
    ['proto tcp', 'protocol=6'],
    ['proto ICMPv6', 'protocol=58'],
    ['proto 47', 'protocol=47'],
    ['proto in [tcp, udp]', 'protocol in [6,17]'],
    ['action reject', 'action=REJECT'],
    ['action Accept', 'action=ACCEPT'],
    ['status nodata', 'log_status=NODATA'],
    ['status in [nodata, skipdata]', 'log_status in [NODATA,SKIPDATA]'],
    ['kind tgw', 'kind=tgw'],
    ['kind VPC', 'kind=vpc'],
    ['flags syn', 'flags&2'],
    ['flags fin', 'flags&1'],
    ['flags rst', 'flags&4'],
    ['flags SynAck', 'flags&18'],
    ['SRC HOST 10.1.2.3 AND PROTO TCP', '(and src:addr[10.1.2.3/32] protocol=6)'],
  ])('reads the keyword term %j', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it.each([
    ['vpc_id = vpc-0abc', 'vpc_id=vpc-0abc'],
    ['vpc-id = vpc-0abc', 'vpc_id=vpc-0abc'],
    ['VPC_ID=vpc-0abc', 'vpc_id=vpc-0abc'],
    ['interface_id in [eni-1, eni-2]', 'interface_id in [eni-1,eni-2]'],
    ['instance_id ~ i-0ab*', 'instance_id~i-0ab*'],
    ["instance_id ~ 'i-0ab?'", 'instance_id~i-0ab?'],
    ['srcport = 0', 'srcport=0'],
    ['srcport == 0', 'srcport=0'],
    ['dstport <> 22', 'dstport!=22'],
    ['log_status = SKIPDATA', 'log_status=SKIPDATA'],
    ['log-status = skipdata', 'log_status=SKIPDATA'],
    ['action = reject', 'action=REJECT'],
    ['action in [accept]', 'action in [ACCEPT]'],
    ['protocol = tcp', 'protocol=6'],
    ['protocol in [6, udp]', 'protocol in [6,17]'],
    ['type != ipv6', 'type!=IPv6'],
    ['flow-direction = Egress', 'flow_direction=egress'],
    ['srcaddr = 10.27.64.0/21', 'srcaddr=10.27.64.0/21'],
    ['pkt-dstaddr != 2001:db8::/32', 'pkt_dstaddr!=2001:db8::/32'],
    ['srcaddr in [10.0.0.1, ::1]', 'srcaddr in [10.0.0.1/32,::1/128]'],
    ['account_id = 000000000000', 'account_id=000000000000'],
    ['instance_id = null', 'instance_id=null'],
    ['instance_id = NULL', 'instance_id=null'],
    ['instance_id != null', '(not instance_id=null)'],
    ['traffic_path >= 2', 'traffic_path>=2'],
    ['tcp_flags = 18', 'tcp_flags=18'],
  ])('reads the field term %j', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it('keeps a quoted null as text, not as NULL', () => {
    expect(parseFilter("instance_id = 'null'")).toEqual({
      kind: 'compare',
      field: 'instance_id',
      op: '=',
      value: 'null',
    });
    expect(parseFilter('instance_id = null')).toEqual({ kind: 'isNull', field: 'instance_id' });
  });

  it.each([
    ["vpc_id = 'a b'", 'vpc_id=a b'],
    ['vpc_id = "a b"', 'vpc_id=a b'],
    ["vpc_id = 'it\\'s'", "vpc_id=it's"],
    ['vpc_id = "say \\"hi\\""', 'vpc_id=say "hi"'],
    ["vpc_id = 'and'", 'vpc_id=and'],
    ["vpc_id = 'x(y)'", 'vpc_id=x(y)'],
    ["start >= '2026-11-29 10:00:00Z'", 'start>=1795946400'],
  ])('reads the quoted value in %j', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it.each([
    ['bytes > 1M', 'bytes>1000000n'],
    ['bytes > 1m', 'bytes>1000000n'],
    ['bytes > 1.5M', 'bytes>1500000n'],
    ['bytes > 2k', 'bytes>2000n'],
    ['bytes > 3G', 'bytes>3000000000n'],
    ['bytes > 1T', 'bytes>1000000000000n'],
    ['bytes > 1KiB', 'bytes>1024n'],
    ['bytes > 1.5KiB', 'bytes>1536n'],
    ['bytes > 2MiB', 'bytes>2097152n'],
    ['bytes > 1GiB', 'bytes>1073741824n'],
    ['packets >= 10', 'packets>=10n'],
    ['bytes <= 9223372036854775807', 'bytes<=9223372036854775807n'],
    ['start >= 2026-11-29T10:00:00Z', 'start>=1795946400'],
    ['start >= 2026-11-29t10:00:00z', 'start>=1795946400'],
    ['start >= 2026-11-29T10:00Z', 'start>=1795946400'],
    ['start >= 2026-11-29T10:00:00.000Z', 'start>=1795946400'],
    ['start < 2026-11-29', 'start<1795910400'],
    ['end > 1795946400', 'end>1795946400'],
  ])('reads the number or time in %j', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it.each([
    ['proto tcp or proto udp and port 53', '(or protocol=6 (and protocol=17 either:port[53]))'],
    ['proto tcp and port 80 or port 53', '(or (and protocol=6 either:port[80]) either:port[53])'],
    ['(proto tcp or proto udp) and port 53', '(and (or protocol=6 protocol=17) either:port[53])'],
    ['not proto tcp and port 53', '(and (not protocol=6) either:port[53])'],
    ['not (proto tcp and port 53)', '(not (and protocol=6 either:port[53]))'],
    ['! proto tcp || ! port 53', '(or (not protocol=6) (not either:port[53]))'],
    ['!proto tcp&&port 53', '(and (not protocol=6) either:port[53])'],
    ['not not kind vpc', '(not (not kind=vpc))'],
    ['kind vpc and kind tgw and kind vpc', '(and kind=vpc kind=tgw kind=vpc)'],
    ['kind vpc or kind tgw or kind vpc', '(or kind=vpc kind=tgw kind=vpc)'],
    ['((kind vpc))', 'kind=vpc'],
    ['src net 10.27.64.0/21 and dst port 443', '(and src:addr[10.27.64.0/21] dst:port[443])'],
    [
      'not (src net 10.0.0.0/8 or dst net 10.0.0.0/8)',
      '(not (or src:addr[10.0.0.0/8] dst:addr[10.0.0.0/8]))',
    ],
    ['proto tcp\nand\tport 22', '(and protocol=6 either:port[22])'],
  ])('reads precedence in %j', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it('returns a frozen tree', () => {
    const e = parseFilter('proto tcp and port in [22, 80]');
    expect(Object.isFrozen(e)).toBe(true);
    expect(e?.kind === 'and' && Object.isFrozen(e.terms)).toBe(true);
  });
});
