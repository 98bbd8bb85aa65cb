// The tally behind truth.json: totals, per-file counts, bytes per effective source and the
// per-violation counts and evidence, kept as records are written so nothing is read back.

import type { DemoFormat } from './platform.js';
import { type DemoRecord, effectiveSource } from './records.js';
import { type Evidence, iso, type Truth, type TruthTotals, type TruthViolation } from './truth.js';

interface Stat {
  flows: number;
  records: number;
  vpc: number;
  tgw: number;
  packets: number;
  bytes: number;
  first: number;
  last: number;
  evidence: Evidence[];
}

export interface Tally {
  /** `line` is called only when the record becomes evidence */
  add(r: DemoRecord, format: DemoFormat, line: () => string, key: string, planted: number): void;
  file(key: string, format: DemoFormat, records: number): void;
  stat(
    id: number,
  ): Omit<
    TruthViolation,
    'id' | 'title' | 'kind' | 'from' | 'to' | 'src' | 'dst' | 'protocol' | 'port' | 'action'
  >;
  totals(): TruthTotals;
  files(): Truth['files'];
  topSources(n: number): Truth['topSources'];
}

export function createTally(evidencePerViolation = 3): Tally {
  const t = {
    records: 0,
    flows: 0,
    bytes: 0,
    packets: 0,
    vpc: 0,
    tgw: 0,
    ACCEPT: 0,
    REJECT: 0,
    nodata: 0,
    skipdata: 0,
  };
  const files: { key: string; format: DemoFormat; records: number }[] = [];
  const sources = new Map<string, number>();
  const stats = new Map<number, Stat>();
  return {
    add(r, format, line, key, planted) {
      const status = r.kind === 'tgw' ? 'OK' : r.status;
      t.records++;
      t[r.kind]++;
      if (status === 'NODATA') t.nodata++;
      else if (status === 'SKIPDATA') t.skipdata++;
      else {
        t.flows++;
        t.bytes += r.bytes ?? 0;
        t.packets += r.packets ?? 0;
        if (r.kind === 'vpc' && r.action !== undefined) t[r.action]++;
        const src = effectiveSource(r, format);
        if (src !== undefined) sources.set(src, (sources.get(src) ?? 0) + (r.bytes ?? 0));
      }
      if (planted === 0) return;
      let s = stats.get(planted);
      if (s === undefined) {
        s = {
          flows: 0,
          records: 0,
          vpc: 0,
          tgw: 0,
          packets: 0,
          bytes: 0,
          first: Infinity,
          last: -Infinity,
          evidence: [],
        };
        stats.set(planted, s);
      }
      s.records++;
      s[r.kind]++;
      if (status === 'OK') {
        s.flows++;
        s.packets += r.packets ?? 0;
        s.bytes += r.bytes ?? 0;
      }
      s.first = Math.min(s.first, r.start);
      s.last = Math.max(s.last, r.end);
      if (s.evidence.length < evidencePerViolation) s.evidence.push({ key, line: line() });
    },
    file(key, format, records) {
      files.push({ key, format, records });
    },
    stat(id) {
      const s = stats.get(id);
      if (s === undefined)
        return {
          flows: 0,
          records: 0,
          byKind: { vpc: 0, tgw: 0 },
          packets: 0,
          bytes: 0,
          firstSeen: null,
          lastSeen: null,
          evidence: [],
        };
      return {
        ...{
          flows: s.flows,
          records: s.records,
          byKind: { vpc: s.vpc, tgw: s.tgw },
          packets: s.packets,
          bytes: s.bytes,
        },
        ...{ firstSeen: iso(s.first), lastSeen: iso(s.last), evidence: s.evidence },
      };
    },
    totals: () => ({
      ...{
        records: t.records,
        flows: t.flows,
        bytes: t.bytes,
        packets: t.packets,
        byKind: { vpc: t.vpc, tgw: t.tgw },
      },
      ...{
        byAction: { ACCEPT: t.ACCEPT, REJECT: t.REJECT },
        nodata: t.nodata,
        skipdata: t.skipdata,
        files: files.length,
      },
    }),
    files: () => files,
    topSources: (n) =>
      [...sources]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, n)
        .map(([address, bytes]) => ({ address, bytes })),
  };
}
