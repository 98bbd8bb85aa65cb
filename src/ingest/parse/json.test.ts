import { describe, expect, it } from 'vitest';
import { parseFormat } from './layout.js';
import { parse } from './test-support.js';

const ACCEPT =
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
const REJECT =
  '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK';

const payload = (...messages: string[]): string =>
  JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '123456789010',
    logGroup: 'vpc-flow-logs',
    logStream: 'eni-1235b8ca123456789-all',
    subscriptionFilters: ['flowsight'],
    logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 1418530010000, message })),
  });
const control = JSON.stringify({
  messageType: 'CONTROL_MESSAGE',
  owner: 'CloudwatchLogs',
  logGroup: '',
  logStream: '',
  subscriptionFilters: [],
  logEvents: [
    {
      id: '',
      timestamp: 1431280876000,
      message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.',
    },
  ],
});

describe('CloudWatch Logs subscription payloads (rule 11)', () => {
  it.each([
    ['one payload', payload(ACCEPT, REJECT)],
    ['payloads back to back', `${payload(ACCEPT)}${payload(REJECT)}`],
    ['payloads on separate lines', `${payload(ACCEPT)}\n${control}\n${payload(REJECT)}\n`],
    ['a top-level array of payloads', `[${payload(ACCEPT)}, ${control}, ${payload(REJECT)}]`],
    ['leading whitespace before the JSON', `\n\n  \t${payload(ACCEPT, REJECT)}`],
    ['a pretty-printed payload', JSON.stringify(JSON.parse(payload(ACCEPT, REJECT)), null, 2)],
  ])('reads each event message as a text record: %s', (_, input) => {
    const { flows, stats } = parse(input);
    expect(stats).toMatchObject({ lines: 2, flows: 2, rejected: 0 });
    expect(flows.map((f) => f.fields.action)).toEqual(['ACCEPT', 'REJECT']);
    expect(flows[0]?.fields).toMatchObject({ srcaddr: '172.31.16.139', dstport: 22, packets: 20n });
  });

  it('reads nothing from a CONTROL_MESSAGE, and rejects nothing', () => {
    expect(parse(control).stats).toMatchObject({ lines: 0, flows: 0, rejected: 0 });
  });

  it('reads event messages with the given format', () => {
    const { flows } = parse(payload('eni-1 10.0.0.1 443'), {
      format: parseFormat('interface-id srcaddr dstport'),
    });
    expect(flows[0]?.fields).toEqual({ 'interface-id': 'eni-1', srcaddr: '10.0.0.1', dstport: 443 });
  });

  it('never takes an event message for a header: messages carry no header', () => {
    const { stats } = parse(payload('srcaddr dstaddr', ACCEPT));
    expect(stats).toMatchObject({ flows: 1, rejectedByReason: { 'no-format': 1 } });
  });

  it('gives the same flows whichever byte a chunk ends on', () => {
    const input = `${payload(ACCEPT)}\n${control}${payload(REJECT)}`;
    const whole = parse(input);
    for (let at = 1; at < input.length; at += 7) expect(parse(input, {}, [at]).flows).toEqual(whole.flows);
  });
});

describe('JSON lines with a message (CloudWatch Logs exports)', () => {
  it('unwraps each message into the text path, with its line number', () => {
    const input = `{"timestamp":1,"message":"${ACCEPT}"}\n{"timestamp":2,"message":"x y"}\n{"@message":"${REJECT}"}\n`;
    const { flows, stats } = parse(input);
    expect(flows.map((f) => f.fields.action)).toEqual(['ACCEPT', 'REJECT']);
    expect(stats.samples).toEqual([{ file: 'test.log', line: 2, reason: 'no-format', text: 'x y' }]);
  });

  it('rejects a broken line as bad-json and still reads the lines after it', () => {
    const input = `{"message":"${ACCEPT}"}\n{"message":"${REJECT}"\n{"message":"${ACCEPT}"}\n`;
    const { flows, stats } = parse(input);
    expect(flows).toHaveLength(2);
    expect(stats).toMatchObject({ lines: 3, rejectedByReason: { 'bad-json': 1 } });
    expect(stats.samples[0]).toMatchObject({ line: 2, reason: 'bad-json' });
  });
});

describe('structured JSON records', () => {
  it('reads an object keyed by field names through the structured path', () => {
    const { flows } = parse('{"srcaddr":"10.0.0.1","dstport":443.0,"log_status":"OK","account_id":123}\n');
    expect(flows[0]?.fields).toEqual({
      srcaddr: '10.0.0.1',
      dstport: 443,
      'log-status': 'OK',
      'account-id': '000000000123',
    });
  });

  it('reads an array of structured records', () => {
    const { flows } = parse('[{"srcport":1},{"srcport":2}]');
    expect(flows.map((f) => f.fields.srcport)).toEqual([1, 2]);
  });
});

describe('JSON that is no record', () => {
  it.each([
    ['unparseable JSON', '{"message": nope}\n', 'bad-json'],
    ['a truncated document', '{"messageType":"DATA_MESSAGE","logEvents":[', 'bad-json'],
    ['a string broken by a newline', '{"message":"2 1\n2"}\n', 'bad-json'],
    ['an object with no field we know', '{"hello":"world"}', 'unknown-json'],
    ['an array of numbers', '[1, 2]', 'unknown-json'],
    ['a DATA_MESSAGE without events', '{"messageType":"DATA_MESSAGE"}', 'unknown-json'],
    ['an unknown messageType', '{"messageType":"OTHER","logEvents":[]}', 'unknown-json'],
  ])('counts %s and never throws', (_, input, reason) => {
    const { flows, stats } = parse(input);
    expect(flows).toEqual([]);
    expect(stats.rejectedByReason[reason]).toBeGreaterThan(0);
    expect(stats.lines).toBe(stats.rejected);
  });

  it('reads on past garbage between JSON values', () => {
    const { flows, stats } = parse(`{"srcport":1}\nnot json at all\n{"srcport":2}\n`);
    expect(flows.map((f) => f.fields.srcport)).toEqual([1, 2]);
    expect(stats.samples).toEqual([
      { file: 'test.log', line: 2, reason: 'bad-json', text: 'not json at all' },
    ]);
  });
});
