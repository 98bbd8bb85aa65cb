// Each planted violation is in the logs exactly as truth.json describes it, and the background
// traffic holds none of its kind, for more than one seed.

import { describe, expect, it } from 'vitest';
import {
  effDst,
  effSrc,
  inCidrs,
  type Row,
  rowsOf,
  runDemo,
  segmentLookup,
} from '../../test/support/demo.js';
import type { TruthViolation } from './index.js';

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const minuteOf = (r: Row): number => Math.floor(Number(r.f.start) / 60);

describe.each([7, 20261102])('planted violations (seed %i)', (seed) => {
  const { files, truth } = runDemo({ seed, hours: 3, flows: 60_000 });
  const { rows } = rowsOf(files);
  const v = (id: number) => truth.violations.find((x) => x.id === id) as TruthViolation;
  const seg = segmentLookup(truth);
  const members = new Set(Object.keys(truth.tiers));
  const ok = rows.filter((r) => r.f['log-status'] === 'OK');
  const vpcOk = ok.filter((r) => r.kind === 'vpc');
  const eastWest = (r: Row) =>
    members.has(seg(effSrc(r))) && members.has(seg(effDst(r))) && seg(effSrc(r)) !== seg(effDst(r));
  const counts = (picked: Row[]) => ({
    flows: picked.length,
    bytes: picked.reduce((s, r) => s + Number(r.f.bytes), 0),
  });

  it('lists the nine violations once each, with ISO-8601 UTC times', () => {
    expect(truth.violations.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const x of truth.violations) {
      for (const t of [x.firstSeen, x.lastSeen, x.window?.from, x.window?.to])
        if (t) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('#1 and #2: every east-west member flow is the planted laa-production to hmpps-production tcp/1521', () => {
    const ew = vpcOk.filter(eastWest);
    const rejected = ew.filter((r) => r.f.action === 'REJECT');
    const accepted = ew.filter((r) => r.f.action === 'ACCEPT');
    expect(counts(rejected)).toEqual({ flows: v(1).flows, bytes: v(1).bytes });
    expect(
      rejected.every((r) => effSrc(r) === v(1).src && effDst(r) === v(1).dst && r.f.dstport === '1521'),
    ).toBe(true);
    expect(accepted.length).toBe(v(2).byKind.vpc);
    expect(
      accepted.every((r) => [effSrc(r), effDst(r)].sort().join() === [v(2).src, v(2).dst].sort().join()),
    ).toBe(true);
    const tgw = ok.filter((r) => r.kind === 'tgw' && eastWest(r));
    expect(tgw.length).toBe(v(2).byKind.tgw);
    expect(counts([...accepted, ...tgw])).toEqual({ flows: v(2).flows, bytes: v(2).bytes });
    expect(v(1).flows).toBeGreaterThan(0);
    expect(v(2).byKind.tgw).toBeGreaterThan(0);
  });

  it('#3: the only internet SSH from a non-LAA member outside its exceptions is the planted REJECT', () => {
    const ssh = vpcOk.filter((r) => {
      const [src, dst] = [seg(effSrc(r)), effDst(r)];
      const allowed = src === 'hmpps-production' && inCidrs(dst, ['165.72.0.0/16', '199.40.0.0/16']);
      return (
        r.f.dstport === '22' &&
        members.has(src) &&
        !src.startsWith('laa-') &&
        !inCidrs(dst, PRIVATE) &&
        !allowed
      );
    });
    expect(counts(ssh)).toEqual({ flows: v(3).flows, bytes: v(3).bytes });
    expect(ssh.every((r) => r.f.action === 'REJECT' && r.f['flow-direction'] !== 'ingress')).toBe(true);
    expect(v(3).flows).toBeGreaterThan(0);
  });

  it('#4: SYN-only ACCEPTs that are never answered are the planted blocked-domain HTTP, and only those', () => {
    const seen = new Set(
      vpcOk.map((r) =>
        [r.f['interface-id'], r.f.srcaddr, r.f.srcport, r.f.dstaddr, r.f.dstport, minuteOf(r)].join(' '),
      ),
    );
    const unanswered = vpcOk.filter(
      (r) =>
        r.f.action === 'ACCEPT' &&
        r.f.protocol === '6' &&
        (r.f['tcp-flags'] === '2' || r.f['tcp-flags'] === undefined) &&
        !seen.has(
          [r.f['interface-id'], r.f.dstaddr, r.f.dstport, r.f.srcaddr, r.f.srcport, minuteOf(r)].join(' '),
        ),
    );
    expect(unanswered.length).toBe(v(4).byKind.vpc);
    expect(unanswered.every((r) => effDst(r) === v(4).dst && r.f.dstport === '80')).toBe(true);
    expect(v(4).byKind.tgw).toBeGreaterThan(0);
  });

  it('#5: the planted source only ever tries RDP on one public load balancer, and is rejected', () => {
    const rdp = rows.filter((r) => effSrc(r) === v(5).src);
    expect(counts(rdp)).toEqual({ flows: v(5).flows, bytes: v(5).bytes });
    expect(
      rdp.every((r) => r.f.action === 'REJECT' && r.f.dstport === '3389' && effDst(r) === v(5).dst),
    ).toBe(true);
    expect(v(5).flows).toBeGreaterThanOrEqual(20);
  });

  it('#6: the hmpps-production attachment is silent in the window and busy every other minute', () => {
    const att = v(6).resource as string;
    const [from, to] = [
      Date.parse(v(6).window?.from ?? '') / 60000,
      Date.parse(v(6).window?.to ?? '') / 60000,
    ];
    const busy = new Set(
      ok
        .filter(
          (r) =>
            r.kind === 'tgw' && (r.f['tgw-attachment-id'] === att || r.f['tgw-pair-attachment-id'] === att),
        )
        .map(minuteOf),
    );
    const first = Date.parse(truth.generator.start) / 60000;
    for (let m = first; m < first + truth.generator.hours * 60; m++)
      expect(busy.has(m), `minute ${m - first}`).toBe(m < from || m >= to);
    expect(to - from).toBe(15);
    expect(v(6).evidence.length).toBe(2);
  });

  it('#7: the degraded log has only NODATA/SKIPDATA in its window, nothing in its gap, and no other log falls silent', () => {
    const log = v(7).resource as string;
    const [wFrom, wTo] = [
      Date.parse(v(7).window?.from ?? '') / 60000,
      Date.parse(v(7).window?.to ?? '') / 60000,
    ];
    const [gFrom, gTo] = [Date.parse(v(7).gap?.from ?? '') / 60000, Date.parse(v(7).gap?.to ?? '') / 60000];
    const mine = rows.filter((r) => r.key.includes(`_${log}_`));
    const inWindow = mine.filter((r) => minuteOf(r) >= wFrom && minuteOf(r) < wTo);
    expect(inWindow.length).toBe(v(7).records);
    expect(inWindow.every((r) => r.f['log-status'] !== 'OK')).toBe(true);
    expect(new Set(inWindow.map(minuteOf)).size).toBe(wTo - wFrom);
    expect(mine.filter((r) => minuteOf(r) >= gFrom && minuteOf(r) < gTo)).toEqual([]);
    const okMinutes = new Map<string, number[]>();
    for (const r of vpcOk) {
      const fl = r.key.split('_')[3] as string;
      okMinutes.set(fl, okMinutes.get(fl) ?? []);
      okMinutes.get(fl)?.push(minuteOf(r));
    }
    for (const [fl, minutes] of okMinutes) {
      if (fl === log) continue;
      const sorted = [...new Set(minutes)].sort((a, b) => a - b);
      const longest = Math.max(...sorted.slice(1).map((m, i) => m - (sorted[i] as number)));
      expect(longest, fl).toBeLessThan(10);
    }
  });

  it('#8: packets are lost only on the planted no-route flows', () => {
    const lost = rows.filter((r) => r.kind === 'tgw' && r.f['packets-lost-no-route'] !== '0');
    expect(counts(lost)).toEqual({ flows: v(8).flows, bytes: v(8).bytes });
    expect(
      lost.every(
        (r) =>
          r.f['packets-lost-no-route'] === r.f.packets &&
          r.f.dstaddr === v(8).dst &&
          seg(r.f.srcaddr as string) === 'cloud-platform',
      ),
    ).toBe(true);
    const other = ['packets-lost-blackhole', 'packets-lost-mtu-exceeded', 'packets-lost-ttl-expired'];
    expect(rows.filter((r) => r.kind === 'tgw' && other.some((f) => r.f[f] !== '0'))).toEqual([]);
    expect(v(8).flows).toBeGreaterThan(0);
  });

  it('#9: yjb-production appears nowhere, though it is declared', () => {
    expect(truth.segments['yjb-production']).toEqual(['10.27.152.0/21']);
    expect(
      ok.filter((r) => seg(effSrc(r)) === 'yjb-production' || seg(effDst(r)) === 'yjb-production'),
    ).toEqual([]);
    expect(rows.filter((r) => r.line.includes(v(9).resource as string))).toEqual([]);
    expect(truth.flowLogs.some((l) => l.vpc === 'yjb-production')).toBe(false);
  });

  it('has records for every declared segment but yjb-production', () => {
    const seen = new Set(ok.flatMap((r) => [seg(effSrc(r)), seg(effDst(r))]));
    expect(Object.keys(truth.segments).filter((s) => !seen.has(s))).toEqual(['yjb-production']);
  });

  it('never lets live and non-live talk, and only scanners and the plants are rejected', () => {
    const cls = (s: string) =>
      /-(development|test|sandbox|non-live)$/.test(s)
        ? 'non-live'
        : /-(production|preproduction|live)$/.test(s)
          ? 'live'
          : 'other';
    const crossed = ok.filter(
      (r) => [cls(seg(effSrc(r))), cls(seg(effDst(r)))].sort().join() === 'live,non-live',
    );
    expect(crossed).toEqual([]);
    const planted = new Set([v(1).src, v(3).src, v(5).src]);
    const rejected = vpcOk.filter((r) => r.f.action === 'REJECT' && !planted.has(effSrc(r)));
    expect(
      rejected.every(
        (r) => seg(effSrc(r)) === 'internet' && ['22', '3389', '23', '445'].includes(r.f.dstport as string),
      ),
    ).toBe(true);
    expect(rejected.length).toBeGreaterThan(0);
  });
});
