// The check end to end on a real DuckDB store built from the engine's DDL: hand-made flows for
// each kind of finding, and generated flows whose findings must equal the matcher's hits
// summed (the grouped path of the check and the per-flow matcher agree).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPolicyFlow, asTestFlow, DIFF_POLICY, flowArb, T } from '../../test/support/policy-flows.js';
import { createTestStore, type TestFlow, type TestStore } from '../../test/support/test-store.js';
import { PARAM_TYPES } from '../engine/index.js';
import { duckdbDialect, render, type SqlNode } from '../sql/index.js';
import { type CheckRequest, evaluateCheck } from './check-queries.js';
import { type CheckResult, findingOrder } from './check-result.js';
import { type Classified, classify } from './classify.js';
import { FINDING_KINDS, type Finding } from './finding.js';
import { compileMatcher } from './matcher.js';
import type { Policy } from './model.js';
import { parsePolicy } from './parse-policy.js';

/**
 * The heavy properties stop generating (and shrinking) after this, inside their 120 s timeout: a
 * failure is then reported as the counterexample found so far, instead of a timeout that leaves
 * the shared store to the next tests while the property still runs.
 */
const BUDGET_MS = 90_000;

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.close());

/** Runs a query on the test store; its text goes to `texts`. */
const runner =
  (texts: string[] = []) =>
  async (node: SqlNode) => {
    const r = render(node, duckdbDialect);
    texts.push(r.text);
    const types = r.types.map((t) => (t === undefined ? undefined : PARAM_TYPES[t]));
    return (
      await store.connection.runAndReadAll(r.text, r.params as never, types as never)
    ).getRowObjectsJS();
  };

async function check(
  policy: Policy,
  flows: readonly TestFlow[],
  req: Partial<CheckRequest> = {},
  texts: string[] = [],
): Promise<CheckResult> {
  await store.load(flows);
  return evaluateCheck(policy, { now: T, ...req }, runner(texts));
}

const POLICY = parsePolicy(
  `segments:
  a: 10.1.0.0/16
  a/app: 10.1.1.0/24
  a/ep: 10.1.6.0/24
  b: 10.2.0.0/16
  c: 10.3.0.0/16
rules:
  - name: a-to-b
    deny: { from: a, to: b }
expectations:
  - name: heartbeat
    from: a/app
    to: a/ep
    ports: tcp/443
    max-silence: 5m
health:
  gap: 10m
  segments: [a, b, c]
`,
  'p.yaml',
);

const M = 60;
let rid = 0;
const base = {
  version: 5,
  account_id: '123456789012',
  log_status: 'OK',
  kind: 'vpc',
  packets: 2,
  bytes: 100,
} as const;
/** A request (app ENI, egress) and its reply (ingress), in minute `m`. */
function talk(
  m: number,
  src: string,
  dst: string,
  dport: number,
  o: Partial<Record<string, string | number | null>> = {},
): TestFlow[] {
  const t = T + m * M;
  const req = {
    ...base,
    rid: ++rid,
    interface_id: 'eni-a',
    srcaddr: src,
    dstaddr: dst,
    srcport: 40000,
    dstport: dport,
    protocol: 6,
    action: 'ACCEPT',
    tcp_flags: 2,
    flow_direction: 'egress',
    start: t,
    end: t + 30,
    ...o,
  };
  const rep = {
    ...req,
    rid: ++rid,
    srcaddr: dst,
    dstaddr: src,
    srcport: dport,
    dstport: 40000,
    tcp_flags: 18,
    flow_direction: 'ingress',
  };
  return o.action === 'REJECT' || o.noReply !== undefined ? [{ ...req, noReply: undefined }] : [req, rep];
}

function scenario(): TestFlow[] {
  const flows: TestFlow[] = [];
  for (let m = 0; m < 60; m++) if (m < 20 || m >= 35) flows.push(...talk(m, '10.1.1.5', '10.1.6.9', 443));
  // another interface of a keeps a's flow log busy while the heartbeat is silent
  for (let m = 0; m < 60; m++)
    flows.push(...talk(m, '10.1.1.7', '10.1.2.3', 5432, { interface_id: 'eni-a2', tcp_flags: 3 }));
  for (let m = 0; m < 10; m++)
    flows.push({
      ...base,
      rid: ++rid,
      interface_id: 'eni-b',
      subnet_id: 'subnet-b',
      srcaddr: '10.2.0.7',
      dstaddr: '10.2.0.8',
      srcport: 50000,
      dstport: 5432,
      protocol: 6,
      action: 'ACCEPT',
      tcp_flags: 3,
      flow_direction: 'egress',
      start: T + m * M,
      end: T + m * M + 10,
    });
  // b's delivery degrades: NODATA, then nothing; an idle interface of b's subnet (no flow, so no
  // address of its own) writes NODATA five minutes longer and counts for b
  for (let m = 10; m < 20; m++)
    flows.push({
      ...base,
      rid: ++rid,
      interface_id: m < 15 ? 'eni-b' : 'eni-b-idle',
      subnet_id: 'subnet-b',
      log_status: 'NODATA',
      start: T + m * M,
      end: T + m * M + 59,
    });
  flows.push(...talk(3, '10.1.1.5', '10.2.0.8', 1521), ...talk(4, '10.1.1.5', '10.2.0.8', 1521));
  for (const m of [5, 6, 7]) flows.push(...talk(m, '10.1.1.6', '10.2.0.8', 1521, { action: 'REJECT' }));
  flows.push(...talk(8, '10.1.1.5', '8.8.8.8', 80, { noReply: 1 }), ...talk(9, '10.1.1.5', '8.8.4.4', 80));
  flows.push({
    ...base,
    rid: ++rid,
    kind: 'tgw',
    tgw_attachment_id: 'tgw-attach-1',
    srcaddr: '10.2.0.7',
    dstaddr: '10.9.9.9',
    srcport: 40001,
    dstport: 5432,
    protocol: 6,
    packets: 5,
    packets_lost_no_route: 5,
    start: T + 2 * M,
    end: T + 2 * M + 5,
  });
  return flows;
}

describe('evaluateCheck on hand-made flows', () => {
  it('reports each kind of finding with its windows, counts and evidence', async () => {
    const r = await check(POLICY, scenario(), { since: T, until: T + 60 * M });
    const by = (kind: string) => r.findings.filter((f) => f.kind === kind);
    expect(by('violation').map((f) => [f.rule, f.from, f.to, f.port, f.flows, f.evidence.length])).toEqual([
      ['a-to-b', 'a/app', 'b', 1521, 4, 4],
    ]);
    expect(by('blocked').map((f) => [f.rule, f.source, f.flows])).toEqual([['a-to-b', '10.1.1.6', 3]]);
    expect(by('stopped').map((f) => [f.rule, f.windows])).toEqual([
      ['heartbeat', [{ from: '2027-01-10T00:20:00Z', to: '2027-01-10T00:35:00Z', seconds: 900 }]],
    ]);
    expect(by('dropped').map((f) => [f.from, f.to, f.port, f.flows, f.evidence[0]?.dstaddr])).toEqual([
      ['a/app', 'internet', 80, 1, '8.8.8.8'],
    ]);
    expect(by('tgw-loss').map((f) => [f.resource, f.from, f.port, f.flows])).toEqual([
      ['tgw-attach-1', 'b', 5432, 1],
    ]);
    const health = by('health');
    expect(health.map((f) => [f.rule, f.resource])).toEqual([
      ['flow-log-gap', 'b'],
      ['flow-log-missing', 'c'],
    ]);
    expect(health[0]?.windows).toEqual([
      {
        from: '2027-01-10T00:10:00Z',
        to: '2027-01-10T01:00:00Z',
        seconds: 3000,
        nodata: 10,
        skipdata: 0,
        noRecords: { from: '2027-01-10T00:20:00Z', to: '2027-01-10T01:00:00Z', seconds: 2400 },
      },
    ]);
    expect(r.summary).toMatchObject({ flows: 231, records: 241, failing: 6, pass: false });
    expect(r.summary.byKind).toEqual({
      violation: 1,
      blocked: 1,
      stopped: 1,
      dropped: 1,
      'tgw-loss': 1,
      health: 2,
    });
  });

  it('puts IPv6 addresses in their segments, in flows and in the hop, as IPv4 ones', async () => {
    const policy = parsePolicy(
      `segments:
  x: [10.7.0.0/16, 2001:db8:7::/48]
  y: [10.8.0.0/16, 2001:db8:8::/48]
  nat: [10.9.0.0/24, 2001:db8:9::/64]
rules:
  - name: x-to-y
    deny: { from: x, to: y }
  - name: out-via-nat
    egress-via: { from: x, via: nat }
`,
      'v6.yaml',
    );
    const flows = [
      ...talk(1, '2001:db8:7::5', '2001:db8:8::9', 443),
      ...talk(2, '10.7.0.5', '10.8.0.9', 5432),
      // x to the internet, captured where it is forwarded (the interface's own address is not the
      // packet's): by nat's interface, as the rule asks, and by one in y, which breaks it
      ...talk(3, '2001:db8:9::1', '2001:db8:ffff::1', 80, {
        pkt_srcaddr: '2001:db8:7::5',
        pkt_dstaddr: '2001:db8:ffff::1',
        interface_id: 'eni-nat',
        noReply: 1,
      }),
      ...talk(4, '2001:db8:8::1', '2001:db8:ffff::1', 80, {
        pkt_srcaddr: '2001:db8:7::6',
        pkt_dstaddr: '2001:db8:ffff::1',
        interface_id: 'eni-fw',
        noReply: 1,
      }),
    ];
    const r = await check(policy, flows, { since: T, until: T + 60 * M });
    const violations = r.findings.filter((f) => f.kind === 'violation');
    expect(violations.map((f) => [f.rule, f.from, f.to, f.port, f.flows])).toEqual([
      ['out-via-nat', 'x', 'internet', 80, 1],
      ['x-to-y', 'x', 'y', 443, 2],
      ['x-to-y', 'x', 'y', 5432, 2],
    ]);
    expect(violations[0]?.evidence.map((e) => e.interface_id)).toEqual(['eni-fw']);
  });

  it('passes a clean range, and an empty store', async () => {
    const clean = await check(POLICY, scenario(), { since: T + 40 * M, until: T + 45 * M });
    expect(clean.findings.filter((f) => f.kind !== 'health' && f.kind !== 'stopped')).toEqual([]);
    const empty = await check(POLICY, [], { since: T, until: T + 60 * M });
    expect(empty.findings.map((f) => [f.kind, f.rule])).toEqual([
      ['stopped', 'heartbeat'],
      ['health', 'flow-log-missing'],
      ['health', 'flow-log-missing'],
      ['health', 'flow-log-missing'],
    ]);
  });

  /** a-to-b denied, with an exception for it that expires at T + 5 min */
  const MIGRATION = parsePolicy(
    `segments: { a: 10.1.0.0/16, b: 10.2.0.0/16 }
rules: [{ name: a-to-b, deny: { from: a, to: b } }]
exceptions:
  - { name: migration, from: a, to: b, reason: the move, owner: ops, expires: 2027-01-10T00:05:00Z }
`,
    'p.yaml',
  );
  /** an exchange from a to b before the exception expires (T + 3 min) and one after (T + 7 min) */
  const aroundExpiry = (): TestFlow[] => [
    ...talk(3, '10.1.1.5', '10.2.0.8', 1521),
    ...talk(7, '10.1.1.5', '10.2.0.8', 1521),
  ];

  it('applies an exception until it expires, and then names it', async () => {
    const policy = MIGRATION;
    const flows = aroundExpiry();
    const r = await check(policy, flows, { since: T, until: T + 60 * M, now: T + 3600 });
    expect(r.findings.map((f) => [f.kind, f.flows, f.firstSeen, f.expiredExceptions])).toEqual([
      ['violation', 2, '2027-01-10T00:07:00Z', [{ name: 'migration', expires: '2027-01-10T00:05:00Z' }]],
    ]);
    expect(r.summary.exceptions).toEqual([
      {
        name: 'migration',
        owner: 'ops',
        reason: 'the move',
        expires: '2027-01-10T00:05:00Z',
        status: 'expired',
      },
    ]);
  });

  it("shows a finding's first flows even when they are hours apart (past the first evidence window)", async () => {
    const policy = parsePolicy(
      `segments: { a: 10.1.0.0/16, b: 10.2.0.0/16 }
rules: [{ name: a-to-b, deny: { from: a, to: b } }]
evidence: 3
`,
      'p.yaml',
    );
    // one exchange now, two more two and three hours later: the first three flows span 2 h
    const flows = [
      ...talk(0, '10.1.1.5', '10.2.0.8', 1521),
      ...talk(120, '10.1.1.5', '10.2.0.8', 1521),
      ...talk(180, '10.1.1.5', '10.2.0.8', 1521),
    ];
    const r = await check(policy, flows, { since: T, until: T + 240 * M });
    expect(r.findings.map((f) => [f.kind, f.flows])).toEqual([['violation', 6]]);
    expect(r.findings[0]?.evidence.map((e) => e.start)).toEqual([
      '2027-01-10T00:00:00Z',
      '2027-01-10T00:00:00Z',
      '2027-01-10T02:00:00Z',
    ]);
  });

  it('judges records without an end time (a custom format may omit it) by their start', async () => {
    const policy = MIGRATION;
    const noEnd = (flows: TestFlow[]) => flows.map((f) => ({ ...f, end: null }));
    const flows = noEnd(aroundExpiry());
    // the exception expires inside the data, so it is settled per flow: only the later exchange
    // (request and reply) counts
    const r = await check(policy, flows, { now: T + 3600 });
    expect(r.findings.map((f) => [f.kind, f.flows, f.firstSeen, f.lastSeen, f.expiredExceptions])).toEqual([
      [
        'violation',
        2,
        '2027-01-10T00:07:00Z',
        '2027-01-10T00:07:00Z',
        [{ name: 'migration', expires: '2027-01-10T00:05:00Z' }],
      ],
    ]);
    expect(r.findings[0]?.evidence.map((e) => e.start)).toEqual([
      '2027-01-10T00:07:00Z',
      '2027-01-10T00:07:00Z',
    ]);
  });

  it('settles an exception once from the data when the range is open, with the same findings', async () => {
    const policy = MIGRATION;
    const now = T + 3600;
    const seen = async (flows: readonly TestFlow[]) =>
      (await check(policy, flows, { now })).findings.map((f) => [f.flows, f.expiredExceptions]);
    const expired = [{ name: 'migration', expires: '2027-01-10T00:05:00Z' }];
    // expiry inside the data (per flow), before all of it (expired), after all of it (in force)
    expect(await seen(aroundExpiry())).toEqual([[2, expired]]);
    expect(await seen(talk(7, '10.1.1.5', '10.2.0.8', 1521))).toEqual([[2, expired]]);
    expect(await seen(talk(3, '10.1.1.5', '10.2.0.8', 1521))).toEqual([]);
  });
});

describe('the grouped check and the per-flow matcher agree', () => {
  it('on generated flows: every violation and blocked finding sums the same flows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(flowArb, { minLength: 1, maxLength: 120 }), async (generated) => {
        const flows = generated.map((f, i) => asTestFlow(f, i + 1));
        const r = await check(DIFF_POLICY, flows, { since: T - 30 * 86400, until: T + 300 * 86400 });
        const got = new Map<string, number>();
        for (const f of r.findings) {
          if (f.kind !== 'violation' && f.kind !== 'blocked') continue;
          const key = JSON.stringify([
            f.kind,
            f.rule,
            f.from,
            f.to,
            f.protocol,
            f.port,
            f.source ?? null,
            (f.expiredExceptions ?? []).map((e) => e.name),
          ]);
          got.set(key, (got.get(key) ?? 0) + f.flows);
        }
        const want = new Map<string, number>();
        const m = compileMatcher(DIFF_POLICY);
        for (const t of flows) {
          for (const h of m.hits(asPolicyFlow(t))) {
            const key = JSON.stringify([
              h.finding,
              h.rule,
              h.from,
              h.to,
              h.protocol,
              h.port,
              h.finding === 'blocked' ? h.client : null,
              h.expired,
            ]);
            want.set(key, (want.get(key) ?? 0) + 1);
          }
        }
        // blocked attempts below a rule's min-flows are not findings
        for (const [k, count] of [...want]) {
          const [finding, rule] = JSON.parse(k) as [string, string];
          const min = DIFF_POLICY.rules.find((x) => x.name === rule);
          if (finding === 'blocked' && min?.kind === 'deny' && count < (min.blockedMinFlows ?? 1))
            want.delete(k);
        }
        expect(new Map([...got].sort())).toEqual(new Map([...want].sort()));
      }),
      { numRuns: 10, interruptAfterTimeLimit: BUDGET_MS },
    );
  }, 120_000);
});

/** A policy the hourly table serves whole: no id members, no minimum bytes, no exception expiring in the data. */
const HOURLY_YAML = `segments:
  a: [10.1.0.0/16, 2001:db8:a::/48]
  a/web: 10.1.1.0/24
  a/db: [10.1.2.0/24, 2001:db8:a:2::/64]
  b: 10.2.0.0/16
  nat: 10.9.0.0/24
  internet/partners: [198.51.100.0/24, 2001:db8:f::/48]
rules:
  - name: across
    deny: { from: [a, b], to: [a, b], across: true, blocked: { min-flows: 2 } }
  - name: web-only
    allow-only:
      to: a/web
      allow:
        - { from: internet, ports: tcp/443 }
        - { within: true }
  - name: out-via-nat
    egress-via: { from: [a, b], via: nat }
expectations:
  - name: web-to-db
    from: a/web
    to: a/db
    ports: tcp/443
    max-silence: 5m
  - name: partners
    from: b
    to: internet/partners
    both-ways: true
    max-silence: 20m
exceptions:
  - { name: old, rules: [across], from: a/db, reason: r, owner: o, expires: 2026-06-30 }
health:
  gap: 10m
  segments: [a, b]
`;
const HOURLY_POLICY = parsePolicy(HOURLY_YAML, 'hourly.yaml');

/** The same with exceptions expiring inside the flows' six hours: in an hour's middle, and at an hour's start. */
const EXPIRING_POLICY = parsePolicy(
  HOURLY_YAML.replace(
    '  - { name: old,',
    `  - { name: mid, rules: [web-only], reason: r, owner: o, expires: 2027-01-10T02:30:00Z }
  - { name: edge, rules: [across], from: b, reason: r, owner: o, expires: 2027-01-10T04:00:00Z }
  - { name: old,`,
  ),
  'expiring.yaml',
);

/** The check's hourly rows came from the hourly table (its view of them reads it). */
const readHourly = (texts: readonly string[]) =>
  texts.some((t) => t.includes('TEMP VIEW "fs_check_hours"') && t.includes('FROM "fs_hourly_v1"'));

describe('the check over the hourly table', () => {
  // flows over six hours at any second, so ranges cut hours, minutes at an hour's edge neighbour
  // the next hour's, and silences span hours
  const hourlyFlow = fc
    .tuple(flowArb, fc.integer({ min: 0, max: 6 * 3600 - 1 }))
    .map(([f, s]) => ({ ...f, start: T + s }));
  const edge = fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -1, max: 7 }).map((h) => T + h * 3600),
    fc.integer({ min: -600, max: 7 * 3600 }).map((s) => T + s),
  );

  it('finds what the check over every flow finds, for any range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(hourlyFlow, { minLength: 1, maxLength: 150, size: 'max' }),
        edge,
        edge,
        fc.option(fc.integer({ min: 0, max: 5 })),
        fc.boolean(),
        async (generated, since, until, dropped, expiring) => {
          const policy = expiring ? EXPIRING_POLICY : HOURLY_POLICY;
          const flows = generated.map((f, i) => asTestFlow(f, i + 1));
          const range = {
            ...(since === undefined ? {} : { since }),
            ...(until === undefined ? {} : { until }),
          };
          const raw = await check(policy, flows, { ...range, hourly: false });
          // the table as ingest may leave it: one hour's rows not kept
          await store.load(flows);
          if (dropped !== null)
            await store.connection.run(`DELETE FROM fs_hourly_v1 WHERE hour = ${T / 3600 + dropped}`);
          const texts: string[] = [];
          const hourly = await evaluateCheck(policy, { now: T, ...range }, runner(texts));
          expect(hourly).toEqual(raw);
          // the hourly table was read wherever the range holds a whole hour and records (without
          // records, the policy's exception cannot be settled from the data: it is judged per flow)
          const whole =
            since === undefined || until === undefined || Math.ceil(since / 3600) < Math.floor(until / 3600);
          const records = flows.some(
            (f) => Number(f.start) >= (since ?? -Infinity) && Number(f.start) < (until ?? Infinity),
          );
          const read = readHourly(texts);
          if (!whole) expect(read).toBe(false);
          else if (records && dropped === null) expect(read).toBe(true);
          // an exception expiring inside an hour the table gives, with records on both sides of
          // it (so that it is judged per flow): that hour is read from the flows
          const mid = T / 3600 + 2;
          const inside =
            (since === undefined || since <= mid * 3600) &&
            (until === undefined || until >= (mid + 1) * 3600);
          const starts = flows
            .map((f) => Number(f.start))
            .filter((t) => t >= (since ?? -Infinity) && t < (until ?? Infinity));
          const around = starts.some((t) => t < mid * 3600) && starts.some((t) => t >= (mid + 1) * 3600);
          const skipped = texts.flatMap((t) =>
            [...t.matchAll(/hour NOT BETWEEN (\d+) AND (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]),
          );
          if (expiring && read && inside && around)
            expect(skipped.some(([a, b]) => (a as number) <= mid && mid <= (b as number))).toBe(true);
        },
      ),
      { numRuns: 40, interruptAfterTimeLimit: BUDGET_MS },
    );
  }, 120_000);

  it('orders findings by what tells them apart when they read the same, whatever order they came in', () => {
    // ICMP to a/web from outside every segment reads "icmp accepted" whatever its port: the
    // hourly and the per-flow grouping hand such findings over in either order
    const finding = fc.record({
      kind: fc.constantFrom(...FINDING_KINDS.slice(0, 2)),
      rule: fc.constantFrom('web-only', 'across'),
      severity: fc.constantFrom('high' as const, 'medium' as const),
      title: fc.constant('(no segment) -> a/web icmp accepted'),
      from: fc.constantFrom(null, 'a', 'b'),
      to: fc.constantFrom(null, 'a/web'),
      protocol: fc.constantFrom(null, 1, 6),
      port: fc.constantFrom(null, 0, 1500, 443),
      firstSeen: fc.constantFrom(null, '2027-01-10T00:00:00Z', '2027-01-10T00:01:00Z'),
      lastSeen: fc.constant(null),
      flows: fc.integer({ min: 1, max: 2 }),
      bytes: fc.nat(),
      evidence: fc.constant([]),
      source: fc.option(fc.constantFrom('10.1.1.5', '10.1.1.6'), { nil: undefined }),
      resource: fc.option(fc.constantFrom('tgw-attach-1', 'a'), { nil: undefined }),
    });
    const key = (f: Finding) => JSON.stringify(f, Object.keys(f).sort());
    // a check never makes two findings of one kind and rule for the same segments, service and
    // source or resource (they would be one finding)
    const identity = (f: Finding) =>
      JSON.stringify([f.kind, f.rule, f.from, f.to, f.protocol, f.port, f.source, f.resource]);
    fc.assert(
      fc.property(
        fc
          .uniqueArray(finding, { selector: identity, maxLength: 12 })
          .chain((list) =>
            fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })),
          ),
        ([list, shuffled]) => {
          expect([...shuffled].sort(findingOrder).map(key)).toEqual([...list].sort(findingOrder).map(key));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is read only for the hours where it holds the flows the store does', async () => {
    const flows = [...talk(1, '10.1.1.5', '10.2.0.8', 1521), ...talk(70, '10.1.1.5', '10.2.0.8', 1521)];
    const full = await check(POLICY, flows);
    const findings = (r: CheckResult) => r.findings.map((f) => [f.rule, f.flows, f.firstSeen, f.lastSeen]);
    // ingest kept no rows for the second hour (they did not sum its flows up, say)
    const second = Math.floor(T / 3600) + 1;
    await store.connection.run(`DELETE FROM fs_hourly_v1 WHERE hour = ${second}`);
    const texts: string[] = [];
    const r = await evaluateCheck(POLICY, { now: T }, runner(texts));
    expect(readHourly(texts)).toBe(true);
    expect(texts.some((t) => t.includes(`hour NOT BETWEEN ${second} AND ${second}`))).toBe(true);
    expect(findings(r)).toEqual(findings(full));
    expect(r.findings.find((f) => f.rule === 'a-to-b')?.flows).toBe(4);
    // a store from before the table, or none kept at all: every flow is grouped
    await store.connection.run('DELETE FROM fs_hourly_v1');
    const none: string[] = [];
    expect(findings(await evaluateCheck(POLICY, { now: T }, runner(none)))).toEqual(findings(full));
    expect(readHourly(none)).toBe(false);
  });
});

describe('dropped connections', () => {
  // a few connections (IPv4 and IPv6), requests and replies in any minute of three hours, so
  // answers fall in the same, a neighbouring (across an hour's edge too) or a distant minute
  const conns = [
    ['10.1.1.5', '10.1.2.9', 443],
    ['10.1.1.5', '198.51.100.7', 443],
    ['10.2.0.8', '10.1.1.5', 22],
    ['2001:db8:a:2::5', '2001:db8:f::9', 443],
  ] as const;
  const flowOf = fc
    .record({
      conn: fc.integer({ min: 0, max: conns.length - 1 }),
      back: fc.boolean(),
      // minutes around the hours' edges, close enough for answers to be neighbours
      second: fc
        .tuple(
          fc.constantFrom(0, 1, 2, 30, 58, 59, 60, 61, 62, 90, 118, 119, 120, 121, 179),
          fc.integer({ min: 0, max: 59 }),
        )
        .map(([m, s]) => m * 60 + s),
      flags: fc.constantFrom(2, 2, 2, 18, 18, 3, 4, 19, null),
      action: fc.constantFrom('ACCEPT', 'ACCEPT', 'ACCEPT', 'REJECT'),
      tgw: fc.constantFrom(false, false, false, true),
      lost: fc.constantFrom(0, 2),
    })
    .map((g): TestFlow => {
      const [client, server, port] = conns[g.conn] as (typeof conns)[number];
      return {
        ...base,
        rid: 0,
        srcaddr: g.back ? server : client,
        dstaddr: g.back ? client : server,
        srcport: g.back ? port : 40000,
        dstport: g.back ? 40000 : port,
        protocol: 6,
        tcp_flags: g.flags,
        start: T + g.second,
        end: T + g.second + 20,
        ...(g.tgw
          ? { kind: 'tgw', action: null, interface_id: null, packets: 2, packets_lost_no_route: g.lost }
          : { action: g.action, interface_id: 'eni-a', flow_direction: g.back ? 'ingress' : 'egress' }),
      };
    });

  /** The SYN-only requests that passed with no reply of their connection in their minute or a neighbouring one, per port: by the flow classifier. */
  function expected(flows: readonly TestFlow[], since?: number, until?: number): Map<number, number> {
    const seen = flows
      .filter((f) => Number(f.start) >= (since ?? -Infinity) && Number(f.start) < (until ?? Infinity))
      .map((f) => ({ f, c: classify(HOURLY_POLICY, asPolicyFlow(f)) }));
    const conn = (c: Classified) => JSON.stringify([c.client, c.server, c.port]);
    const answered = new Set(
      seen
        .filter(({ f, c }) => c?.reply && c.port !== null && f.action !== 'REJECT')
        .map(({ f, c }) => `${conn(c as Classified)}@${Math.floor(Number(f.start) / 60)}`),
    );
    const out = new Map<number, number>();
    for (const { f, c } of seen) {
      // SYN without ACK or FIN (a missing tcp-flags field is none of these)
      if (c === null || c.reply || c.cls !== 1 || f.tcp_flags === null || (Number(f.tcp_flags) & 19) !== 2)
        continue;
      const m = Math.floor(Number(f.start) / 60);
      if ([m - 1, m, m + 1].some((x) => answered.has(`${conn(c)}@${x}`))) continue;
      out.set(c.port as number, (out.get(c.port as number) ?? 0) + 1);
    }
    return out;
  }

  it('are the accepted SYN-only requests with no reply within a minute, by the hourly rows and by every flow', async () => {
    const edge = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: -2, max: 3 * 60 + 2 }).map((m) => T + m * 60),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(flowOf, { minLength: 10, maxLength: 80, size: 'max' }),
        edge,
        edge,
        async (made, since, until) => {
          const flows = made.map((f, i) => ({ ...f, rid: i + 1 }));
          const range = {
            ...(since === undefined ? {} : { since }),
            ...(until === undefined ? {} : { until }),
          };
          const want = expected(flows, since, until);
          for (const hourly of [true, false]) {
            const r = await check(HOURLY_POLICY, flows, { ...range, hourly });
            const got = new Map<number, number>();
            for (const f of r.findings.filter((x) => x.kind === 'dropped'))
              got.set(f.port as number, (got.get(f.port as number) ?? 0) + f.flows);
            expect(new Map([...got].sort()), `hourly: ${hourly}`).toEqual(new Map([...want].sort()));
          }
        },
      ),
      { numRuns: 40, interruptAfterTimeLimit: BUDGET_MS },
    );
  }, 120_000);
});
