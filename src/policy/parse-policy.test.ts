import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import type { ImportRequest, ReadImport } from './import-networks.js';
import { parsePolicy } from './parse-policy.js';

const BASE = `version: 1
segments:
  laa-production: 10.27.64.0/21
  laa-production/private: [10.27.64.0/24, 10.27.65.0/24]
  hmpps-production: 10.27.8.0/21
  partners: { cidrs: [203.0.113.0/24], description: SFTP partners }
  members: { include: [laa-production, hmpps-production] }
rules:
  - name: east-west
    deny: { from: members, to: members, across: true }
`;

function error(text: string, read?: ReadImport): UserError {
  try {
    parsePolicy(text, 'p.yaml', read);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a policy error');
}

describe('parsePolicy', () => {
  it('reads segments with nesting by name, groups, and the built-in internet', () => {
    const p = parsePolicy(BASE, 'p.yaml');
    expect(p.segments.map((s) => s.name)).toEqual([
      'hmpps-production',
      'internet',
      'laa-production',
      'laa-production/private',
      'members',
      'partners',
    ]);
    expect(p.segments.map((s) => s.code)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(p.segments.find((s) => s.name === 'partners')?.description).toBe('SFTP partners');
    const rule = p.rules[0];
    expect(rule?.kind).toBe('deny');
    // members -> itself, laa-production and its child, hmpps-production
    if (rule?.kind === 'deny') expect(rule.match.from).toMatchObject({ any: false, codes: [1, 3, 4, 5] });
  });

  it('implies a parent from a child name and resolves globs within one name part', () => {
    const p = parsePolicy(
      `segments:
  a-production/private: 10.0.0.0/24
  b-production/private: 10.0.1.0/24
  b-test/private: 10.0.2.0/24
rules:
  - name: r
    deny: { from: '*-production', to: '*/private' }
`,
      'p.yaml',
    );
    expect(p.segments.find((s) => s.name === 'a-production')?.origin).toBe('implied');
    const r = p.rules[0];
    if (r?.kind !== 'deny') throw new Error('deny expected');
    const names = (codes: readonly number[]) => codes.map((c) => p.segments[c - 1]?.name);
    expect(r.match.from.any ? [] : names(r.match.from.codes)).toEqual([
      'a-production',
      'a-production/private',
      'b-production',
      'b-production/private',
    ]);
    expect(r.match.to.any ? [] : names(r.match.to.codes)).toEqual([
      'a-production/private',
      'b-production/private',
      'b-test/private',
    ]);
  });

  it.each([
    [
      'a bad CIDR',
      BASE.replace('10.27.8.0/21', '10.27.8.0/33'),
      'policy.bad-cidr',
      'p.yaml:5:21',
      /'\/33' is not a prefix length/,
    ],
    [
      'host bits set',
      BASE.replace('10.27.8.0/21', '10.27.8.1/21'),
      'policy.bad-cidr',
      'p.yaml:5:21',
      /the network is 10\.27\.8\.0\/21/,
    ],
    [
      'an unknown segment',
      BASE.replace('to: members', 'to: membres'),
      'policy.unknown-segment',
      'p.yaml:10:32',
      /unknown segment 'membres'/,
    ],
    [
      'an unknown key',
      BASE.replace('across: true', 'acros: true'),
      'policy.unknown-key',
      'p.yaml:10:41',
      /unknown key 'acros'/,
    ],
    [
      'a top-level typo',
      `${BASE}expectation: []\n`,
      'policy.unknown-key',
      'p.yaml:11:1',
      /unknown key 'expectation'/,
    ],
    [
      'a bad duration',
      `${BASE}expectations:\n  - name: hb\n    from: members\n    max-silence: 15 minutes\n`,
      'policy.bad-duration',
      'p.yaml:14:18',
      /'15 minutes' is not a duration/,
    ],
    [
      'a port without protocol',
      BASE.replace('across: true', 'ports: 443'),
      'policy.bad-value',
      'p.yaml:10:48',
      /'443' .* is not a protocol\/port/,
    ],
    ['YAML that does not parse', 'rules:\n  - name: [x\n', 'policy.syntax', 'p.yaml:3:1', /not valid YAML/],
    [
      'a built-in name',
      BASE.replace('partners:', 'internet:'),
      'policy.invalid',
      'p.yaml:6:3',
      /'internet' is built in/,
    ],
    [
      'a key written twice',
      BASE.replace('partners:', 'hmpps-production:'),
      'policy.syntax',
      'p.yaml:6:3',
      /not valid YAML: Map keys must be unique/,
    ],
    [
      'a rule with two kinds',
      `${BASE}  - name: x\n    deny: {}\n    allow-only: { allow: [] }\n`,
      'policy.invalid',
      'p.yaml:11:5',
      /exactly one of deny, allow-only, egress-via/,
    ],
  ])('points at %s with file:line:col and a hint', (_what, text, code, at, message) => {
    const e = error(text);
    expect(e.code).toBe(code);
    expect(e.at).toBe(at);
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
  });

  it('suggests the nearest key and the nearest segment', () => {
    expect(error(BASE.replace('across: true', 'acros: true')).hint).toMatch(/did you mean 'across'/);
    expect(error(BASE.replace('to: members', 'to: membres')).hint).toMatch(/did you mean 'members'/);
  });

  it('finds a group that includes itself', () => {
    const e = error(
      BASE.replace('include: [laa-production, hmpps-production]', 'include: [laa-production, members]'),
    );
    expect(e.message).toMatch(/includes itself/);
  });

  it('reads exceptions with an expiry through the end of the named day, and rejects unknown rules', () => {
    const text = `${BASE}exceptions:\n  - name: x\n    rules: [east-west]\n    from: laa-production\n    reason: r\n    owner: o\n    expires: 2027-03-31\n`;
    expect(parsePolicy(text, 'p.yaml').exceptions[0]?.expires).toBe(
      Date.parse('2027-04-01T00:00:00Z') / 1000,
    );
    expect(error(text.replace('rules: [east-west]', 'rules: [east-wes]')).message).toMatch(
      /unknown rule 'east-wes'/,
    );
  });

  it('expands an expectation per segment with each: from', () => {
    const text = `${BASE}expectations:\n  - name: hb\n    from: '*-production'\n    max-silence: 90s\n    each: from\n`;
    const e = parsePolicy(text, 'p.yaml').expectations[0];
    expect(e?.maxSilence).toBe(90);
    expect(e?.instances.map((i) => i.label)).toEqual(['hmpps-production', 'laa-production']);
  });
});

describe('import of environments-networks', () => {
  const files: Record<string, string> = {
    'tiers.yaml': 'prefix: 21\ntiers:\n  private: [+0.0.0.0/24]\n  data: [+0.0.4.128/25]\n',
    'nets/laa-production.json': JSON.stringify({
      cidr: {
        subnet_sets: {
          general: { cidr: '10.27.64.0/21', accounts: ['apex-production'] },
          extra: { cidr: '10.27.200.0/21' },
        },
      },
      options: { bastion_linux: false, additional_cidrs: ['10.99.0.0/24'] },
      nacl: [],
    }),
  };
  const read: ReadImport = (r: ImportRequest) =>
    r.kind === 'file'
      ? [{ name: r.path, text: files[r.path] ?? '' }]
      : Object.entries(files)
          .filter(([k]) => k.startsWith(`${r.path}/`))
          .map(([name, text]) => ({ name, text }));
  const policy = (extra = '') =>
    `import:\n  - networks: nets\n    tiers: tiers.yaml\n    group: members\n${extra}`;

  it('makes a segment per subnet set with its tiers, and a group of the VPCs', () => {
    const p = parsePolicy(policy(), 'p.yaml', read);
    const cidrs = Object.fromEntries(p.segments.map((s) => [s.name, s.cidrs.map((c) => c.text)]));
    expect(cidrs['laa-production']).toEqual(['10.27.64.0/21', '10.99.0.0/24']);
    expect(cidrs['laa-production/private']).toEqual(['10.27.64.0/24']);
    expect(cidrs['laa-production/data']).toEqual(['10.27.68.128/25']);
    expect(cidrs['laa-production/extra/private']).toEqual(['10.27.200.0/24']);
    expect(p.segments.find((s) => s.name === 'laa-production')?.description).toBe(
      'accounts: apex-production',
    );
    expect(p.segments.find((s) => s.name === 'members')?.origin).toBe('imported');
  });

  it('refuses a declared segment that an import already defines, naming both places', () => {
    const e = error(policy('segments:\n  laa-production/private: 10.27.64.0/25\n'), read);
    expect(e.message).toMatch(
      /segment 'laa-production\/private' is defined twice \(first at nets\/laa-production\.json:/,
    );
    expect(e.at).toBe('p.yaml:6:3');
  });

  it('points at the imported file when its content is wrong', () => {
    const bad: Record<string, string> = {
      ...files,
      'nets/laa-production.json':
        '{\n  "cidr": { "subnet_sets": { "general": { "cidr": "10.27.64.0/22" } } }\n}',
    };
    const e = error(policy(), (r) =>
      r.kind === 'file'
        ? [{ name: r.path, text: bad[r.path] ?? '' }]
        : [{ name: 'nets/laa-production.json', text: bad['nets/laa-production.json'] as string }],
    );
    expect(e.message).toMatch(/is a \/22; the tier template tiers\.yaml fits \/21/);
    expect(e.at).toBe('nets/laa-production.json:2:51');
  });
});
