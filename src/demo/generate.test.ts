// The generator's output is reproducible, well-formed, and exactly what truth.json says it is.

import { describe, expect, it } from 'vitest';
import { effSrc, type Row, rowsOf, runDemo } from '../../test/support/demo.js';
import { columnByAws, DEFAULT_TGW_FORMAT, DEFAULT_VPC_FORMAT } from '../flow/index.js';
import { generateDemo, VPC_CUSTOM_29 } from './index.js';

const small = { seed: 7, hours: 3, flows: 60_000 };
const run = runDemo(small);
const { rows, headers } = rowsOf(run.files);
const truth = run.truth;

describe('generateDemo', () => {
  it('gives byte-identical files and truth for the same seed', () => {
    const again = runDemo(small);
    expect(again.files.map((f) => f.key)).toEqual(run.files.map((f) => f.key));
    const differ = again.files.filter(
      (f, i) => Buffer.compare(f.text, run.files[i]?.text ?? new Uint8Array()) !== 0,
    );
    expect(differ).toEqual([]);
    expect(JSON.stringify(again.truth)).toBe(JSON.stringify(truth));
  });

  it('gives different data for another seed, with the same violation ids', () => {
    const other = runDemo({ ...small, seed: 8 });
    expect(other.files.map((f) => f.key)).not.toEqual(run.files.map((f) => f.key));
    expect(other.truth.topSources).not.toEqual(truth.topSources);
    expect(other.truth.violations.map((v) => v.id)).toEqual(truth.violations.map((v) => v.id));
    expect(other.truth.violations.map((v) => v.firstSeen)).not.toEqual(
      truth.violations.map((v) => v.firstSeen),
    );
  });

  it('writes close to the requested number of records', () => {
    expect(truth.totals.records).toBeGreaterThan(small.flows * 0.97);
    expect(truth.totals.records).toBeLessThan(small.flows * 1.03);
  });

  it('has totals in truth that equal a recount of the lines', () => {
    const ok = rows.filter((r) => r.f['log-status'] === 'OK');
    const sum = (field: string) => ok.reduce((s, r) => s + Number(r.f[field]), 0);
    expect(truth.totals).toEqual({
      records: rows.length,
      flows: ok.length,
      bytes: sum('bytes'),
      packets: sum('packets'),
      byKind: {
        vpc: rows.filter((r) => r.kind === 'vpc').length,
        tgw: rows.filter((r) => r.kind === 'tgw').length,
      },
      byAction: {
        ACCEPT: ok.filter((r) => r.f.action === 'ACCEPT').length,
        REJECT: ok.filter((r) => r.f.action === 'REJECT').length,
      },
      nodata: rows.filter((r) => r.f['log-status'] === 'NODATA').length,
      skipdata: rows.filter((r) => r.f['log-status'] === 'SKIPDATA').length,
      files: run.files.length,
    });
    expect(truth.files).toEqual(
      run.files.map((f) => ({
        key: f.key,
        format: f.format,
        records: rows.filter((r) => r.key === f.key).length,
      })),
    );
  });

  it('names the top 10 sources by bytes, by pkt-srcaddr where there is one', () => {
    const bytes = new Map<string, number>();
    for (const r of rows)
      if (r.f['log-status'] === 'OK') bytes.set(effSrc(r), (bytes.get(effSrc(r)) ?? 0) + Number(r.f.bytes));
    const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 10);
    expect(truth.topSources.map((s) => [s.address, s.bytes])).toEqual(top);
  });

  it('writes every line with as many fields as its header, in one of the named formats', () => {
    const named = {
      'vpc-custom-29': VPC_CUSTOM_29,
      'vpc-v2': DEFAULT_VPC_FORMAT,
      'tgw-36': DEFAULT_TGW_FORMAT,
    };
    for (const f of run.files) expect(headers.get(f.key)).toEqual(named[f.format]);
    for (const name of VPC_CUSTOM_29) expect(columnByAws(name), name).toBeDefined();
    expect(new Set(run.files.map((f) => f.format))).toEqual(new Set(['vpc-custom-29', 'vpc-v2', 'tgw-36']));
    const version = { 'vpc-custom-29': '5', 'vpc-v2': '2', 'tgw-36': '6' };
    expect(
      rows.filter((r) => r.tokens !== named[r.format].length || r.f.version !== version[r.format]),
    ).toEqual([]);
  });

  it('keeps start <= end inside one 60 s window and inside the run', () => {
    const from = Date.parse(truth.generator.start) / 1000;
    const to = Date.parse(truth.generator.end) / 1000;
    const bad = rows.filter((r) => {
      const [start, end] = [Number(r.f.start), Number(r.f.end)];
      return !(start <= end && Math.floor(start / 60) === Math.floor(end / 60) && start >= from && end < to);
    });
    expect(bad).toEqual([]);
  });

  it('writes NODATA and SKIPDATA lines with - for addresses, ports, protocol, counters and action', () => {
    const gaps = rows.filter((r) => r.f['log-status'] !== 'OK');
    expect(gaps.some((r) => r.f['log-status'] === 'NODATA')).toBe(true);
    expect(gaps.some((r) => r.f['log-status'] === 'SKIPDATA')).toBe(true);
    const dashed = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action'];
    expect(gaps.filter((r) => dashed.some((f) => r.f[f] !== '-'))).toEqual([]);
    expect(truth.totals.nodata / truth.totals.records).toBeGreaterThan(0.004);
  });

  it('uses AWS-shaped ids, with - for the instance of managed interfaces', () => {
    const vpc = rows.filter((r) => r.format === 'vpc-custom-29');
    const shaped = (r: Row) =>
      /^eni-[0-9a-f]{17}$/.test(r.f['interface-id'] ?? '') &&
      /^(i-[0-9a-f]{17}|-)$/.test(r.f['instance-id'] ?? '') &&
      /^vpc-[0-9a-f]{17}$/.test(r.f['vpc-id'] ?? '') &&
      /^subnet-[0-9a-f]{17}$/.test(r.f['subnet-id'] ?? '') &&
      /^\d{12}$/.test(r.f['account-id'] ?? '');
    expect(vpc.filter((r) => !shaped(r))).toEqual([]);
    // a middlebox (TGW or NAT ENI) logs its own address, with the real endpoints in pkt-*
    const middlebox = vpc.filter(
      (r) =>
        r.f['log-status'] === 'OK' &&
        (r.f.srcaddr !== r.f['pkt-srcaddr'] || r.f.dstaddr !== r.f['pkt-dstaddr']),
    );
    expect(middlebox.length).toBeGreaterThan(0);
    expect(middlebox.filter((r) => r.f['instance-id'] !== '-')).toEqual([]);
    expect(vpc.filter((r) => r.f['flow-direction'] === 'ingress' && r.f['traffic-path'] !== '-')).toEqual([]);
    expect(Object.values(truth.accounts).some((a) => a.startsWith('0'))).toBe(true);
    const tgw = rows.filter((x) => x.kind === 'tgw');
    expect(
      tgw.filter(
        (r) =>
          r.f['resource-type'] !== 'TransitGatewayAttachment' ||
          !/^tgw-attach-[0-9a-f]{17}$/.test(r.f['tgw-attachment-id'] ?? ''),
      ),
    ).toEqual([]);
  });

  it('lays files out as AWS does in S3, one per flow log and period', () => {
    const key =
      /^AWSLogs\/(\d{12})\/vpcflowlogs\/eu-west-2\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/(\d{12})_vpcflowlogs_eu-west-2_fl-[0-9a-f]{17}_\d{8}T\d{4}Z_[0-9a-f]{8}\.log\.gz$/;
    for (const f of run.files) {
      const m = key.exec(f.key);
      expect(m, f.key).not.toBeNull();
      expect(m?.[1]).toBe(m?.[2]);
    }
    expect(new Set(run.files.map((f) => f.key)).size).toBe(run.files.length);
  });

  it('rejects options it cannot honour with demo.invalid', () => {
    const first = (o: Parameters<typeof generateDemo>[0]) => () => generateDemo(o).next();
    expect(first({ seed: 1, hours: 1 })).toThrow(expect.objectContaining({ code: 'demo.invalid' }));
    expect(first({ seed: 1.5 })).toThrow(expect.objectContaining({ code: 'demo.invalid' }));
    expect(first({ seed: 1, flows: 10 })).toThrow(expect.objectContaining({ code: 'demo.invalid' }));
    expect(first({ seed: 1, hours: 24, flows: 100_000 })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('at least 200 a minute') }),
    );
    expect(first({ seed: 1, start: new Date('nope') })).toThrow(
      expect.objectContaining({ code: 'demo.invalid' }),
    );
  });

  it('keeps non-production quiet at night and production busy', () => {
    const day = runDemo({ seed: 3, hours: 24, flows: 400_000 }).truth;
    const env = new Map(day.flowLogs.map((l) => [l.id, l.vpc ?? 'tgw']));
    const perHour = (pick: (vpc: string) => boolean, hours: number[]) =>
      day.files
        .filter(
          (f) =>
            hours.includes(Number(f.key.split('/')[7])) &&
            pick(env.get(/_(fl-[0-9a-f]+)_/.exec(f.key)?.[1] ?? '') ?? ''),
        )
        .reduce((s, f) => s + f.records, 0) / hours.length;
    const nonProd = (v: string) => /-(development|test|sandbox)$/.test(v);
    const prod = (v: string) => v.endsWith('-production');
    expect(perHour(nonProd, [1, 2, 3, 4])).toBeLessThan(perHour(nonProd, [10, 11, 12, 13]) / 5);
    expect(perHour(prod, [1, 2, 3, 4])).toBeGreaterThan(perHour(prod, [10, 11, 12, 13]) / 6);
  });
});
