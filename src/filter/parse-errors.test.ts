// Every way a filter can be wrong gets its own message naming the token, the exact 1-based
// column (in the message and in `at`, for the dashboard to mark) and a hint for the fix.

import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { filterToSql, parseFilter } from './index.js';

function errorOf(text: string): UserError {
  try {
    parseFilter(text);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error(`no error for ${text}`);
}

const TERM =
  'expected a term: host, net, port, proto, action, status, kind, flags, src, dst, not, ( or a field name';
const NUMBER = 'write a whole number, optionally with k, M, G, T (x1000) or KiB, MiB, GiB, TiB (x1024): 1.5M';

describe('filter errors', () => {
  it.each<[string, string, number, string]>([
    ['src prot tcp', "unexpected 'prot'", 5, "expected host, net, port or addr after 'src'"],
    ['src', 'unexpected end of filter', 4, "expected host, net, port or addr after 'src'"],
    ['proto tcp port 443', "unexpected 'port'", 11, "join terms with 'and' or 'or'"],
    ['(proto tcp port 22)', "unexpected 'port'", 12, "expected and, or or ')'"],
    ['(proto tcp', "unclosed '('", 1, "add ')' to close it"],
    ['((proto tcp)', "unclosed '('", 1, "add ')' to close it"],
    ['proto tcp)', "unmatched ')'", 10, "remove it, or add '(' where the group starts"],
    ['()', "unexpected ')'", 2, TERM],
    ['and proto tcp', "unexpected 'and'", 1, TERM],
    ['proto tcp and', 'unexpected end of filter', 14, TERM],
    ['not', 'unexpected end of filter', 4, TERM],
    ['= 5', "unexpected '='", 1, TERM],
    ["'vpc_id' = x", "unexpected quoted text 'vpc_id'", 1, TERM],
    ['proto tcp & port 22', "unexpected '&'", 11, 'use && or and'],
    ['proto tcp | port 22', "unexpected '|'", 11, 'use || or or'],
    ["vpc_id = 'abc", "unterminated string 'abc", 10, "close it with '"],
  ])('reports the syntax error in %j', (text, what, col, hint) => {
    const e = errorOf(text);
    expect(e.code).toBe('filter.invalid');
    expect(e.message).toBe(`${what} at column ${col} in filter: ${text}`);
    expect(e.at).toBe(`filter:1:${col}`);
    expect(e.hint).toBe(hint);
  });

  it.each<[string, string, number, string]>([
    ['vpcid = vpc-1', "unknown field 'vpcid'", 1, 'did you mean vpc_id?'],
    ['vpc-idd = vpc-1', "unknown field 'vpc-idd'", 1, 'did you mean vpc_id?'],
    ['prot tcp', "unknown field 'prot'", 1, 'did you mean proto?'],
    ['dstprot = 22', "unknown field 'dstprot'", 1, 'did you mean dstport?'],
    ['proto tpc', "unknown protocol 'tpc'", 7, 'did you mean tcp?'],
    ['vpc_id vpc-1', "unexpected 'vpc-1'", 8, "expected =, !=, <, <=, >, >=, ~ or in after 'vpc_id'"],
    ['vpc_id =', 'unexpected end of filter', 9, "expected a value after '='"],
    ['srcaddr < 10.0.0.1', "'<' does not apply to srcaddr", 9, 'srcaddr compares with =, != or in [...]'],
    ['action > accept', "'>' does not apply to action", 8, 'action compares with =, != or in [...]'],
    [
      'srcport ~ 1*',
      "'~' does not apply to srcport",
      9,
      'glob (~) matches text fields such as vpc_id; use = or in [...]',
    ],
    ['bytes > null', "'>' does not apply to null", 7, 'write bytes = null or bytes != null'],
    [
      'interface_id in [eni-1, null]',
      'null is not allowed in a list',
      25,
      'write interface_id = null on its own',
    ],
    ['action maybe', "'maybe' is not a value of action", 8, 'one of ACCEPT, REJECT'],
    ['status bad', "'bad' is not a value of log_status", 8, 'one of OK, NODATA, SKIPDATA'],
    ['kind ec2', "'ec2' is not a record kind", 6, 'one of vpc, tgw'],
    ['flags ack', "'ack' is not a tcp flag", 7, 'one of fin, syn, rst, synack'],
  ])('reports the unknown name or misplaced operator in %j', (text, what, col, hint) => {
    const e = errorOf(text);
    expect(e.message).toBe(`${what} at column ${col} in filter: ${text}`);
    expect(e.at).toBe(`filter:1:${col}`);
    expect(e.hint).toBe(hint);
  });

  it.each<[string, string, number, string]>([
    ['port 70000', "port '70000' is out of range", 6, 'ports are whole numbers from 0 to 65535'],
    ['port 22-70000', "port '70000' is out of range", 6, 'ports are whole numbers from 0 to 65535'],
    ['port 2000-1000', "port range '2000-1000' runs backwards", 6, 'write it low to high: 1000-2000'],
    ['port abc', "'abc' is not a port", 6, 'ports are whole numbers from 0 to 65535'],
    [
      'srcport = 70000',
      "srcport value '70000' is out of range",
      11,
      'srcport values are whole numbers from 0 to 65535',
    ],
    ['port in []', 'empty list', 9, 'put at least one value between [ and ]'],
    ['port in [22', "unclosed '['", 9, "add ']' to close the list"],
    ['port in [22,]', "unexpected ']'", 13, 'expected a value in the list'],
    ['port in 22', "unexpected '22'", 9, "expected '[' after 'in'"],
    [
      'net 10.27.64.1/21',
      "invalid address or network '10.27.64.1/21'",
      5,
      "'10.27.64.1/21' has host bits set below /21; the network is 10.27.64.0/21",
    ],
    [
      'net 10.27.64.0/33',
      "invalid address or network '10.27.64.0/33'",
      5,
      "'/33' is not a prefix length from 0 to 32",
    ],
    [
      'host 300.1.1.1',
      "invalid address or network '300.1.1.1'",
      6,
      "'300.1.1.1' is not an IPv4 or IPv6 address",
    ],
    [
      'net 10.0.0.1',
      "net takes a network, not the address '10.0.0.1'",
      5,
      'write host 10.0.0.1, or net 10.0.0.1/32',
    ],
    ['host 10.0.0.0/8', "host takes one address, not the network '10.0.0.0/8'", 6, 'write net 10.0.0.0/8'],
    ['bytes > 1x', "'1x' is not a number", 9, NUMBER],
    ['bytes > 1.0001k', "'1.0001k' is not a whole number", 9, NUMBER],
    ['dstport > -1', "'-1' is not a number", 11, NUMBER],
    [
      'bytes > 9223372036854775808',
      "bytes value '9223372036854775808' is out of range",
      9,
      'bytes values are whole numbers from 0 to 9223372036854775807',
    ],
    [
      'version = 1k',
      "version value '1k' is out of range",
      11,
      'version values are whole numbers from 0 to 255',
    ],
    [
      'start > 2026-02-30',
      "'2026-02-30' is not a valid time",
      9,
      'use ISO-8601 UTC (2026-11-29T10:00:00Z or 2026-11-29) or epoch seconds',
    ],
    [
      'start > 2026-11-29T10:00:00',
      "'2026-11-29T10:00:00' has no time zone",
      9,
      'times are UTC: end it with Z',
    ],
    [
      'start > 2026-11-29T10:00:00.5Z',
      "'2026-11-29T10:00:00.5Z' has a fraction of a second",
      9,
      'times are whole seconds',
    ],
    [
      'start > 99999999999',
      "epoch second '99999999999' is out of range",
      9,
      'epoch seconds are whole numbers from 0 to 4294967295',
    ],
    [
      'start > yesterday',
      "'yesterday' is not a time",
      9,
      'use ISO-8601 UTC (2026-11-29T10:00:00Z or 2026-11-29) or epoch seconds',
    ],
  ])('reports the bad value in %j', (text, what, col, hint) => {
    const e = errorOf(text);
    expect(e.message).toBe(`${what} at column ${col} in filter: ${text}`);
    expect(e.at).toBe(`filter:1:${col}`);
    expect(e.hint).toBe(hint);
  });

  it('counts lines and columns in a filter written over several lines', () => {
    const e = errorOf('proto tcp\nand prot 22');
    expect(e.message).toBe("unknown field 'prot' at line 2, column 5 in filter: proto tcp and prot 22");
    expect(e.at).toBe('filter:2:5');
  });

  it('refuses nesting deep enough to exhaust the stack', () => {
    const e = errorOf(`${'('.repeat(1000)}proto tcp${')'.repeat(1000)}`);
    expect(e.message).toMatch(/^filter nested too deeply at column 201 /);
    expect(errorOf(`${'not '.repeat(1000)}proto tcp`).message).toMatch(/^filter nested too deeply/);
  });

  it('throws from filterToSql too', () => {
    expect(() => filterToSql('proto tcp port 22')).toThrow(UserError);
  });
});
