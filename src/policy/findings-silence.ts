// Findings about silence: expectations that stopped (their silent windows) and flow-log health
// (gaps, segments with no records at all). A silence inside a flow-log gap of the same
// segment says nothing about the flow itself, so it is folded into the health finding as a note.

import { instancesOf } from './check-stage.js';
import { BUILTIN, type Finding, type Window } from './finding.js';
import type { Policy } from './model.js';
import { iso, num, type Row, service } from './result-rows.js';

const minutes = (s: number): string => (s >= 5400 ? `${(s / 3600).toFixed(1)}h` : `${Math.round(s / 60)}m`);

interface Health {
  readonly findings: Finding[];
  readonly totals: readonly {
    readonly segment: string;
    readonly flows: number;
    readonly nodata: number;
    readonly skipdata: number;
  }[];
}

function gapWindow(r: Row): Window {
  const [a, b, ta, tb] = [num(r.a), num(r.b), num(r.ta), num(r.tb)];
  return {
    from: iso(ta),
    to: iso(tb),
    seconds: tb - ta,
    nodata: num(r.nodata),
    skipdata: num(r.skipdata),
    noRecords: { from: iso(a), to: iso(b), seconds: b - a },
  };
}

export function healthFindings(policy: Policy, rows: readonly Row[]): Health {
  const findings: Finding[] = [];
  const base = {
    protocol: null,
    port: null,
    to: null,
    firstSeen: null,
    lastSeen: null,
    bytes: 0,
    evidence: [],
  } as const;
  for (const unit of [...new Set(rows.map((r) => num(r.unit)))]) {
    const segment = policy.tops[unit] ?? String(unit);
    const mine = rows.filter((r) => num(r.unit) === unit);
    const flows = num(mine.find((r) => r.what === 'total')?.flows);
    if (mine.some((r) => r.what === 'missing')) {
      findings.push({
        ...base,
        kind: 'health',
        rule: BUILTIN.missing,
        severity: 'high',
        title: `${segment}: no flow-log records at all in the range (no flow log, or it never delivered)`,
        from: segment,
        flows: 0,
        resource: segment,
        windows: [],
      });
      continue;
    }
    const windows = [
      ...new Map(
        mine.filter((r) => r.what === 'gap').map((r) => [`${String(r.ta)}|${String(r.tb)}`, r]),
      ).values(),
    ]
      .map(gapWindow)
      .sort((x, y) => (x.from < y.from ? -1 : 1));
    if (windows.length === 0) continue;
    const w = windows[0] as Window;
    const title = `${segment}: no flow-log records for ${minutes(w.noRecords?.seconds ?? 0)} from ${w.noRecords?.from}; no traffic for ${minutes(w.seconds)} (${w.nodata} NODATA, ${w.skipdata} SKIPDATA)${windows.length > 1 ? `, and ${windows.length - 1} more gaps` : ''}`;
    findings.push({
      ...base,
      kind: 'health',
      rule: BUILTIN.gap,
      severity: 'high',
      title,
      from: segment,
      flows,
      resource: segment,
      windows,
    });
  }
  const totals = rows
    .filter((r) => r.what === 'total')
    .map((r) => ({
      segment: policy.tops[num(r.unit)] ?? '',
      flows: num(r.flows),
      nodata: num(r.nodata),
      skipdata: num(r.skipdata),
    }));
  return { findings, totals };
}

const overlaps = (w: Window, h: Window): boolean => w.from < h.to && h.from < w.to;

/** The health finding that explains a silence of this segment, if any. */
function explainedBy(health: readonly Finding[], label: string, w: Window): Finding | undefined {
  if (label === '') return undefined;
  const top = label.split('/')[0];
  return health.find(
    (h) =>
      h.resource === top && (h.rule === BUILTIN.missing || (h.windows ?? []).some((g) => overlaps(w, g))),
  );
}

/** Stopped findings; silences a health finding explains become notes on it (the health findings are updated in place). */
export function stoppedFindings(policy: Policy, rows: readonly Row[], health: Finding[]): Finding[] {
  const out: Finding[] = [];
  instancesOf(policy).forEach((inst, i) => {
    const e = policy.expectations[inst.exp];
    if (e === undefined) return;
    const mine = rows.filter((r) => num(r.i) === i);
    const total = mine.find((r) => r.what === 'total');
    const windows: Window[] = [];
    for (const r of mine.filter((x) => x.what === 'window')) {
      const [a, b] = [num(r.a), num(r.b)];
      const w: Window = { from: iso(a), to: iso(b), seconds: b - a };
      const h = explainedBy(health, inst.label, w);
      if (h === undefined) windows.push(w);
      else {
        const at = health.indexOf(h);
        const note = `${e.name}${inst.label === '' ? '' : ` (${inst.label})`} silent ${w.from} .. ${w.to} as well`;
        health[at] = { ...h, notes: [...(h.notes ?? []), note] };
      }
    }
    if (windows.length === 0) return;
    const single =
      e.match.ports.length === 1 && e.match.ports[0]?.from === e.match.ports[0]?.to
        ? e.match.ports[0]
        : undefined;
    const longest = Math.max(...windows.map((w) => w.seconds));
    const name = inst.label === '' ? e.name : `${e.name} (${inst.label})`;
    const seen = total === undefined ? 'never seen in the range' : `last seen ${windows[0]?.from}`;
    out.push({
      kind: 'stopped',
      rule: e.name,
      severity: e.severity,
      title: `${name}: silent for ${minutes(longest)} (allowed ${minutes(e.maxSilence)}), ${seen}${single === undefined ? '' : `, ${service(single.protocol, single.from)}`}`,
      from: e.each === 'from' ? inst.label : e.match.from.text,
      to: e.each === 'to' ? inst.label : e.match.to.text,
      protocol: single?.protocol ?? null,
      port: single === undefined ? null : single.from,
      firstSeen: total === undefined ? null : iso(num(total.a)),
      lastSeen: total === undefined ? null : iso(num(total.b)),
      flows: num(total?.flows),
      bytes: num(total?.bytes),
      evidence: [],
      windows,
    });
  });
  return out;
}
