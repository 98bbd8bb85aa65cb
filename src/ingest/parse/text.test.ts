// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` is AWS's format syntax under test
import { describe, expect, it } from 'vitest';
import { DEFAULT_TGW_FORMAT, DEFAULT_VPC_FORMAT } from '../../flow/index.js';
import { parseFormat } from './layout.js';
import { parse } from './test-support.js';

const HEADER = DEFAULT_VPC_FORMAT.join(' ');
const ACCEPT =
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
const REJECT =
  '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK';
const NODATA = '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA';

const ACCEPT_FLOW = {
  version: 2,
  'account-id': '123456789010',
  'interface-id': 'eni-1235b8ca123456789',
  srcaddr: '172.31.16.139',
  dstaddr: '172.31.16.21',
  srcport: 20641,
  dstport: 22,
  protocol: 6,
  packets: 20n,
  bytes: 4249n,
  start: 1418530010,
  end: 1418530070,
  action: 'ACCEPT',
  'log-status': 'OK',
};

/** The default-format record with one field replaced. */
function withField(name: string, token: string): string {
  const tokens = ACCEPT.split(' ');
  tokens[DEFAULT_VPC_FORMAT.indexOf(name)] = token;
  return tokens.join(' ');
}

describe('text records: lines and separators (rule 4)', () => {
  it.each([
    ['\\n line ends', `${HEADER}\n${ACCEPT}\n${REJECT}\n`],
    ['\\r\\n line ends', `${HEADER}\r\n${ACCEPT}\r\n${REJECT}\r\n`],
    ['no final newline', `${HEADER}\n${ACCEPT}\n${REJECT}`],
    ['blank and whitespace-only lines', `\n${HEADER}\n\n   \n\t\n${ACCEPT}\n \r\n${REJECT}\n\n`],
    [
      'runs of spaces and tabs between fields',
      `${HEADER}\n${ACCEPT.replaceAll(' ', ' \t  ')}\n${REJECT.replaceAll(' ', '\t')}\n`,
    ],
    ['leading and trailing whitespace', `  ${HEADER}  \n \t${ACCEPT}   \n${REJECT}\t \n`],
  ])('reads two flows with %s', (_, input) => {
    const { flows, stats } = parse(input);
    expect(stats).toMatchObject({ lines: 2, flows: 2, rejected: 0 });
    expect(flows[0]?.fields).toEqual(ACCEPT_FLOW);
    expect(flows[1]?.fields.action).toBe('REJECT');
  });
});

describe('text records: layouts (rule 1)', () => {
  it('takes the layout from the header line, which is not itself a record', () => {
    const { flows, stats } = parse(
      `version srcaddr dstaddr action log-status\n2 10.0.0.1 10.0.0.2 ACCEPT OK\n`,
    );
    expect(stats).toMatchObject({ lines: 1, flows: 1, rejected: 0 });
    expect(flows[0]?.fields).toEqual({
      version: 2,
      srcaddr: '10.0.0.1',
      dstaddr: '10.0.0.2',
      action: 'ACCEPT',
      'log-status': 'OK',
    });
  });

  it('switches the layout at a header repeated mid-file', () => {
    const input = `${HEADER}\n${ACCEPT}\ndstport srcaddr\n443 10.9.9.9\n${HEADER}\n${REJECT}\n`;
    const { flows, stats } = parse(input);
    expect(stats).toMatchObject({ lines: 3, flows: 3, rejected: 0 });
    expect(flows.map((f) => f.fields)).toEqual([
      ACCEPT_FLOW,
      { dstport: 443, srcaddr: '10.9.9.9' },
      expect.objectContaining({ action: 'REJECT' }),
    ]);
  });

  it('applies a given format until a header appears', () => {
    const format = parseFormat('${srcport} ${dstport}');
    const { flows } = parse(`80 443\nsrcaddr dstaddr\n10.0.0.1 10.0.0.2\n`, { format });
    expect(flows.map((f) => f.fields)).toEqual([
      { srcport: 80, dstport: 443 },
      { srcaddr: '10.0.0.1', dstaddr: '10.0.0.2' },
    ]);
  });

  it.each([
    ['no known field name', 'eni-abc vpc-def subnet-ghi'],
    ['a number', 'version account-id 2'],
    ['an upper-case word', 'version account-id ACCEPT'],
    ['a dash', 'version - srcaddr'],
  ])('does not take a line with %s for a header', (_, line) => {
    const format = parseFormat('interface-id vpc-id subnet-id');
    const { flows, stats } = parse(`${line}\ni-1 vpc-2 subnet-3\n`, { format });
    expect(flows.at(-1)?.fields).toEqual({
      'interface-id': 'i-1',
      'vpc-id': 'vpc-2',
      'subnet-id': 'subnet-3',
    });
    expect(stats.lines).toBe(2);
  });

  it('rejects the lines under a header that names a field twice, until the next good header', () => {
    const { flows, stats } = parse(`srcaddr srcaddr\n10.0.0.1 10.0.0.2\n${HEADER}\n${ACCEPT}\n`);
    expect(stats.rejectedByReason).toEqual({ 'bad-header': 2 });
    expect(flows).toHaveLength(1);
  });
});

describe('text records without a header or a format (rule 1)', () => {
  const tgwLine =
    '6 TransitGateway 123456789012 tgw-0123 tgw-attach-1 123456789012 210987654321 vpc-1 vpc-2 subnet-1 subnet-2 eni-1 eni-2 ' +
    'use1-az1 use1-az2 tgw-attach-2 10.0.1.25 10.1.2.30 49152 443 6 10 840 1687000000 1687000060 OK IPv4 0 0 0 0 19 us-east-1 egress - -';

  it('accepts a line that validates against the default VPC format', () => {
    const { flows, stats } = parse(`${ACCEPT}\n`);
    expect(stats.rejected).toBe(0);
    expect(flows[0]).toMatchObject({ kind: 'vpc', fields: ACCEPT_FLOW });
  });

  it('accepts a 36-token line that validates against the default TGW format', () => {
    expect(tgwLine.split(' ')).toHaveLength(DEFAULT_TGW_FORMAT.length);
    const { flows } = parse(`${tgwLine}\n`);
    expect(flows[0]).toMatchObject({
      kind: 'tgw',
      fields: expect.objectContaining({ 'tgw-id': 'tgw-0123', dstport: 443 }),
    });
  });

  it.each([
    ['14 tokens that do not validate', withField('srcaddr', 'eni-0abc')],
    ['13 tokens', ACCEPT.split(' ').slice(1).join(' ')],
    ['a TGW line with a bad token', tgwLine.replace('10.0.1.25', 'x')],
  ])('rejects %s as no-format', (_, line) => {
    const { flows, stats } = parse(`${line}\n`);
    expect(flows).toEqual([]);
    expect(stats.rejectedByReason).toEqual({ 'no-format': 1 });
  });
});

describe('text records that do not fit (rule 5)', () => {
  it.each([
    ['one token short', ACCEPT.split(' ').slice(0, -1).join(' ')],
    ['one token too many', `${ACCEPT} extra`],
  ])('rejects a line %s as field-count and reads on', (_, line) => {
    const { flows, stats } = parse(`${HEADER}\n${ACCEPT}\n\n${line}\n${REJECT}\n`);
    expect(flows).toHaveLength(2);
    expect(stats).toMatchObject({ lines: 3, flows: 2, rejected: 1, rejectedByReason: { 'field-count': 1 } });
    expect(stats.samples).toEqual([{ file: 'test.log', line: 4, reason: 'field-count', text: line }]);
  });

  it('keeps only the first maxSamples samples but counts every rejection', () => {
    const { stats } = parse(`${HEADER}\nx\ny\nz\n`, { maxSamples: 2 });
    expect(stats.rejected).toBe(3);
    expect(stats.samples.map((s) => s.text)).toEqual(['x', 'y']);
  });

  it('samples the trimmed line, cut to 500 characters', () => {
    const long = `a${' b'.repeat(400)}`;
    const { stats } = parse(`${HEADER}\n   ${long}  \n`);
    expect(stats.samples[0]?.text).toBe(long.slice(0, 500));
  });

  it('rejects a line over a megabyte without holding it', () => {
    const { stats, flows } = parse(
      `${HEADER}\n${'9'.repeat(1_100_000)}\n${ACCEPT}\n`,
      {},
      [100, 70_000, 900_000],
    );
    expect(stats.rejectedByReason).toEqual({ 'line-too-long': 1 });
    expect(stats.samples[0]?.line).toBe(2);
    expect(flows).toHaveLength(1);
  });
});

describe('text records: values (rules 2, 3, 6)', () => {
  it.each([
    ['srcport', '65536'],
    ['dstport', '-1'],
    ['protocol', '256'],
    ['version', 'v2'],
    ['srcaddr', '172.31.16.256'],
    ['srcaddr', '172.31.16'],
    ['dstaddr', '2001:db8::1::2'],
    ['dstaddr', 'fe80::1%eth0'],
    ['packets', '9223372036854775808'],
    ['bytes', '4.2e3'],
    ['bytes', '12ab'],
    ['start', '4294967296'],
    ['end', '4294967296000'],
    ['action', 'ALLOW'],
    ['log-status', 'FINE'],
  ])('rejects %s = %s as invalid-value and writes nothing', (field, token) => {
    const { flows, stats, batches } = parse(`${HEADER}\n${withField(field, token)}\n${REJECT}\n`);
    expect(stats.rejectedByReason).toEqual({ 'invalid-value': 1 });
    expect(stats.samples[0]?.text).toBe(withField(field, token));
    expect(flows).toHaveLength(1);
    expect(flows[0]?.fields).toMatchObject({ srcaddr: '172.31.9.69', srcport: 49761 }); // the next line took row 0 cleanly
    expect(batches[0]?.length).toBe(1);
  });

  it('leaves nothing of a rejected line in the row the next flow takes', () => {
    // srcport and the addresses validate before protocol fails; the next record has them NULL.
    const { flows } = parse(`${HEADER}\n${withField('protocol', '256')}\n${NODATA}\n`);
    expect(flows.map((f) => f.fields)).toEqual([
      {
        version: 2,
        'account-id': '123456789010',
        'interface-id': 'eni-1235b8ca123456789',
        start: 1431280876,
        end: 1431280934,
        'log-status': 'NODATA',
      },
    ]);
  });

  it.each([
    ['srcport', '65535', 65535],
    ['srcport', '0', 0],
    ['protocol', '255', 255],
    ['packets', '9223372036854775807', 9223372036854775807n],
    ['bytes', '4294967301', 4294967301n],
    ['bytes', '9007199254740993', 9007199254740993n],
    ['start', '4294967295', 4294967295],
    ['start', '1418530010999', 1418530010],
    ['action', 'accept', 'ACCEPT'],
    ['log-status', 'NoData', 'NODATA'],
    ['srcaddr', '0.0.0.0', '0.0.0.0'],
    ['srcaddr', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['srcaddr', '::', '::'],
    ['srcaddr', '1::', '1::'],
    ['srcaddr', '64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('reads %s = %s as %s', (field, token, value) => {
    const { flows, stats } = parse(`${HEADER}\n${withField(field, token)}\n`);
    expect(stats.rejected).toBe(0);
    expect(flows[0]?.fields[field]).toBe(value);
  });

  it.each(DEFAULT_VPC_FORMAT.filter((f) => f !== 'log-status'))(
    'reads `-` in %s as NULL, never `-` or 0',
    (field) => {
      const { flows, stats } = parse(`${HEADER}\n${withField(field, '-')}\n`);
      expect(stats.rejected).toBe(0);
      expect(field in (flows[0]?.fields ?? {})).toBe(false);
      expect(flows[0]?.fields['log-status']).toBe('OK');
    },
  );

  it('keeps ICMP ports 0 as 0', () => {
    const icmp =
      '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK';
    expect(parse(`${HEADER}\n${icmp}\n`).flows[0]?.fields).toMatchObject({
      srcport: 0,
      dstport: 0,
      protocol: 1,
    });
  });

  it('keeps account-id as text, leading zeros included', () => {
    expect(
      parse(`${HEADER}\n${withField('account-id', '000000000000')}\n`).flows[0]?.fields['account-id'],
    ).toBe('000000000000');
  });

  it('keeps a flow whose start is after its end and counts it', () => {
    const { flows, stats } = parse(`${HEADER}\n${withField('start', '1418530099')}\n${ACCEPT}\n`);
    expect(flows).toHaveLength(2);
    expect(stats.startAfterEnd).toBe(1);
  });
});

describe('text records: NODATA, SKIPDATA and TGW (rules 7, 9)', () => {
  it.each(['NODATA', 'SKIPDATA', 'nodata'])(
    'keeps a %s record without packets, bytes or action',
    (status) => {
      const line = withField('log-status', status); // claims 20 packets, 4249 bytes, ACCEPT
      const { flows } = parse(`${HEADER}\n${line}\n${NODATA}\n`);
      for (const f of flows) {
        expect(f.fields).not.toHaveProperty('packets');
        expect(f.fields).not.toHaveProperty('bytes');
        expect(f.fields).not.toHaveProperty('action');
        expect(f.fields).toMatchObject({
          'interface-id': 'eni-1235b8ca123456789',
          start: expect.any(Number),
        });
      }
    },
  );

  it('marks VPC records kind vpc and TGW records kind tgw with a NULL action', () => {
    const { flows } = parse(`tgw-id action srcaddr\ntgw-1 ACCEPT 10.0.0.1\n${HEADER}\n${ACCEPT}\n`);
    expect(flows.map((f) => f.kind)).toEqual(['tgw', 'vpc']);
    expect(flows[0]?.fields).toEqual({ 'tgw-id': 'tgw-1', srcaddr: '10.0.0.1' });
    expect(flows[0]?.storage.action).toBeNull();
  });
});

describe('text records: unknown fields (rule 8)', () => {
  it('keeps unknown fields as a JSON object in extra, `-` as null', () => {
    const { flows } = parse(`srcaddr resource-id next-hop-type\n10.0.0.1 eni-0abc -\n`);
    expect(flows[0]?.fields).toEqual({ srcaddr: '10.0.0.1' });
    expect(flows[0]?.extra).toEqual({ 'resource-id': 'eni-0abc', 'next-hop-type': null });
  });

  it('writes no extra when the layout has no unknown field', () => {
    expect(parse(`${HEADER}\n${ACCEPT}\n`).batches[0]?.extra.size).toBe(0);
  });
});
