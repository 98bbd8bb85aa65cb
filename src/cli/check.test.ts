import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test/support/cli.js';
import { runDemo } from '../app/index.js';

const POLICY = 'examples/platform/policy.yaml';
let dir: string;
let db: string;

beforeAll(async () => {
  dir = tempDir('flowsight-check-cli-');
  db = join(dir, 'demo.duckdb');
  await runDemo({ db }, { out: join(dir, 'demo'), options: { seed: 11, hours: 2, flows: 24_000 } });
}, 60_000);

describe('flowsight check', () => {
  it('prints findings grouped by rule and exits 1 when some fail', async () => {
    const r = await runCli(['check', '--policy', POLICY, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^flowsight check: examples\/platform\/policy\.yaml$/m);
    expect(r.stdout).toMatch(/^FAIL {2}east-west \(deny, high\): 2\. member VPCs never talk/m);
    expect(r.stdout).toMatch(/^ok {4}live-non-live \(deny, high\)/m);
    expect(r.stdout).toMatch(
      /^ {2}violation laa-production\/private -> hmpps-production\/data tcp\/1521 \(oracle\) accepted/m,
    );
    expect(r.stdout).toMatch(
      /^ {4}2026-11-02T\d\d:\d\d:\d\dZ eni-[0-9a-f]+ {2}10\.27\.\d+\.\d+:\d+ -> 10\.27\.\d+\.\d+:\d+( \(packet [\d.]+ -> [\d.]+\))? ACCEPT flags \d+$/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}blocked {3}10\.27\.\d+\.\d+ \(laa-production\/private\) -> hmpps-production\/data tcp\/1521 \(oracle\): \d+ attempts rejected/m,
    );
    expect(r.stdout).toMatch(/^FAIL: 1 violation, 3 blocked, 1 stopped, 1 dropped, 1 tgw-loss, 2 health/m);
  });

  it('prints one JSON object with findings and a summary', async () => {
    const r = await runCli(['check', '--policy', POLICY, '--db', db, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      findings: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    expect(Object.keys(out)).toEqual(['findings', 'summary']);
    const keys = [
      'kind',
      'rule',
      'severity',
      'from',
      'to',
      'protocol',
      'port',
      'firstSeen',
      'lastSeen',
      'flows',
      'bytes',
      'evidence',
    ];
    for (const f of out.findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(keys));
    const violation = out.findings.find((f) => f.kind === 'violation') as {
      evidence: Record<string, unknown>[];
    };
    expect(Object.keys(violation.evidence[0] ?? {})).toEqual(
      expect.arrayContaining([
        'start',
        'interface_id',
        'srcaddr',
        'srcport',
        'dstaddr',
        'dstport',
        'protocol',
        'action',
        'tcp_flags',
      ]),
    );
    expect(out.summary).toMatchObject({ pass: false, failing: 6 });
  });

  it('writes JUnit XML with a test case per rule and a failure for each failing one', async () => {
    const r = await runCli(['check', '--policy', POLICY, '--db', db, '--format', 'junit']);
    expect(r.stdout).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="flowsight check" tests="24" failures="6">/,
    );
    expect(r.stdout).toMatch(
      /<testcase name="east-west" classname="flowsight\.deny">\n {6}<failure message="1 finding: laa-production/,
    );
    expect(r.stdout).toMatch(/<testcase name="live-non-live" classname="flowsight\.deny"><\/testcase>/);
    expect(r.stdout).toMatch(/<testcase name="internet-ssh" classname="flowsight\.deny">\n {6}<system-out>/);
  });

  it('exits 0 when nothing fails, and --fail-on picks the failing kinds', async () => {
    const quiet = join(dir, 'quiet.yaml');
    writeFileSync(
      quiet,
      'segments:\n  a: 192.0.2.0/24\nrules:\n  - name: none\n    deny: { from: a, to: a }\n',
    );
    const r = await runCli(['check', '--policy', quiet, '--db', db, '--fail-on', 'violation']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS: 1 dropped, 1 tgw-loss \(failing kinds: violation\)$/m);
  });

  it.each([
    [
      'a bad CIDR',
      'segments:\n  a: 10.0.0.0/33\n',
      /error: '\/33' is not a prefix length from 0 to 32 .*\n {2}at: .*bad\.yaml:2:6\nhint: /,
    ],
    [
      'an unknown segment',
      'rules:\n  - name: r\n    deny: { from: nowhere }\n',
      /error: unknown segment 'nowhere'\n {2}at: .*bad\.yaml:3:19\n/,
    ],
    [
      'an unknown key',
      'rules:\n  - name: r\n    deny: { form: any }\n',
      /error: unknown key 'form' in rules\[0\]\.deny\n {2}at: .*bad\.yaml:3:13\nhint: did you mean 'from'/,
    ],
    [
      'a bad duration',
      'expectations:\n  - name: e\n    max-silence: 5 minutes\n',
      /error: expectations\[0\]\.max-silence '5 minutes' is not a duration\n {2}at: .*bad\.yaml:3:18\n/,
    ],
  ])('exits 2 for %s, pointing at file:line:col', async (_what, text, message) => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const r = await runCli(['check', '--policy', file, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ['no --policy', ['check', '--db', 'x.duckdb'], /required option '--policy <file>' not specified/],
    [
      'a bad --since',
      ['check', '--policy', POLICY, '--since', 'yesterday'],
      /--since 'yesterday' is not a time/,
    ],
    [
      '--since after --until',
      ['check', '--policy', POLICY, '--since', '2026-11-03', '--until', '2026-11-02'],
      /--since is not before --until/,
    ],
    ['a bad --format', ['check', '--policy', POLICY, '--format', 'xml'], /argument 'xml' is invalid/],
    [
      'a bad --fail-on',
      ['check', '--policy', POLICY, '--fail-on', 'violations'],
      /'violations' is not a finding kind/,
    ],
    [
      'a missing policy file',
      ['check', '--policy', 'nope.yaml'],
      /cannot read 'nope\.yaml': no such file or directory/,
    ],
  ])('exits 2 for %s', async (_what, args, message) => {
    const r = await runCli([...args, ...(args.includes('--db') ? [] : ['--db', db])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
