// How `flowsight check` shows its result: text grouped by rule for a terminal, or JUnit XML for
// CI (one test case per rule, expectation and built-in check; a finding of a failing kind fails
// its case). JSON is the result itself (output.ts's toJson).

import type { CheckResult, EvidenceFlow, Finding, TruthComparison } from '../app/index.js';
import { count, humanBytes } from './output.js';

const time = (iso: string | null): string =>
  iso === null ? '-' : iso.replace(/^\d{4}-\d\d-\d\dT/, '').replace(/Z$/, '');

function endpoint(addr: string | null, port: number | null): string {
  if (addr === null) return '-';
  const a = addr.includes(':') ? `[${addr}]` : addr;
  return port === null ? a : `${a}:${port}`;
}

/** One evidence flow on one line: when, where, who, what happened. */
export function evidenceLine(e: EvidenceFlow): string {
  const where = e.kind === 'tgw' ? (e.tgw_attachment_id ?? 'tgw') : (e.interface_id ?? '-');
  const pkt =
    e.pkt_srcaddr !== null && (e.pkt_srcaddr !== e.srcaddr || e.pkt_dstaddr !== e.dstaddr)
      ? ` (packet ${e.pkt_srcaddr} -> ${e.pkt_dstaddr})`
      : '';
  const action = e.action ?? (e.kind === 'tgw' ? 'TGW' : '-');
  const flags = e.tcp_flags === null ? '' : ` flags ${e.tcp_flags}`;
  return `${e.start} ${where}  ${endpoint(e.srcaddr, e.srcport)} -> ${endpoint(e.dstaddr, e.dstport)}${pkt} ${action}${flags}`;
}

function findingLines(f: Finding, evidence: number): string[] {
  const seen = f.firstSeen === null ? '' : `, ${time(f.firstSeen)}..${time(f.lastSeen)}`;
  const size = f.kind === 'health' ? '' : `  (${count(f.flows)} flows, ${humanBytes(f.bytes)}${seen})`;
  const lines = [`  ${f.kind.padEnd(9)} ${f.title}${size}`];
  for (const w of f.windows ?? []) {
    const extra = w.nodata === undefined ? '' : `: ${w.nodata} NODATA, ${w.skipdata} SKIPDATA`;
    lines.push(`    silent ${w.from} .. ${w.to} (${Math.round(w.seconds / 60)} min${extra})`);
  }
  for (const note of f.notes ?? []) lines.push(`    note: ${note}`);
  for (const e of f.evidence.slice(0, evidence)) lines.push(`    ${evidenceLine(e)}`);
  return lines;
}

/** Text for a terminal: a header, each rule with its findings (or ok), expired exceptions, a verdict. */
export function checkText(r: CheckResult, evidence = 3): string {
  const s = r.summary;
  const out = [
    `flowsight check: ${s.policy}`,
    `  ${s.range.since} .. ${s.range.until}: ${count(s.flows)} flows (${count(s.records)} records)`,
    '',
  ];
  for (const rule of s.rules) {
    const mine = r.findings.filter((f) => f.rule === rule.name);
    const failing = mine.some((f) => s.failOn.includes(f.kind));
    const mark = failing ? 'FAIL' : mine.length > 0 ? 'note' : 'ok  ';
    const about = rule.description === '' ? '' : `: ${rule.description}`;
    out.push(`${mark}  ${rule.name} (${rule.kind}, ${rule.severity})${about}`);
    for (const f of mine) out.push(...findingLines(f, evidence));
  }
  const expired = s.exceptions.filter((e) => e.status === 'expired');
  if (expired.length > 0) out.push('');
  for (const e of expired)
    out.push(
      `warning: exception ${e.name} (${e.owner}) expired ${e.expires}; it no longer covers flows after that. Renew or remove it.`,
    );
  const kinds = Object.entries(s.byKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  out.push(
    '',
    `${s.pass ? 'PASS' : 'FAIL'}: ${kinds.length === 0 ? 'no findings' : kinds.join(', ')} (failing kinds: ${s.failOn.join(', ')})`,
  );
  return `${out.join('\n')}\n`;
}

const xml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );

/** JUnit XML: a test suite per check run, a test case per rule. */
export function checkJunit(r: CheckResult): string {
  const s = r.summary;
  const cases = s.rules.map((rule) => {
    const mine = r.findings.filter((f) => f.rule === rule.name);
    const failing = mine.filter((f) => s.failOn.includes(f.kind));
    const body = mine.flatMap((f) => findingLines(f, 5)).join('\n');
    const head = `    <testcase name="${xml(rule.name)}" classname="flowsight.${xml(rule.kind)}">`;
    if (failing.length > 0) {
      const message = `${failing.length} finding${failing.length === 1 ? '' : 's'}: ${failing[0]?.title ?? ''}`;
      return `${head}\n      <failure message="${xml(message)}" type="${xml(failing[0]?.kind ?? '')}">${xml(body)}</failure>\n    </testcase>`;
    }
    return mine.length > 0
      ? `${head}\n      <system-out>${xml(body)}</system-out>\n    </testcase>`
      : `${head}</testcase>`;
  });
  const failures = s.rules.filter((rule) =>
    r.findings.some((f) => f.rule === rule.name && s.failOn.includes(f.kind)),
  ).length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="flowsight check" tests="${s.rules.length}" failures="${failures}">
  <testsuite name="${xml(s.policy)}" tests="${s.rules.length}" failures="${failures}" errors="0" timestamp="${xml(s.range.until ?? '')}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

/** The demo's check: each finding in a line, then whether they match the generator's truth.json. */
export function demoCheckText(check: {
  readonly result: CheckResult;
  readonly comparison: TruthComparison;
}): string {
  const { result, comparison: c } = check;
  const out = [
    `\nThe example policy (${result.summary.policy}) over this demo: ${result.findings.length} findings`,
  ];
  for (const f of result.findings) out.push(`  ${f.kind.padEnd(9)} ${f.rule.padEnd(24)} ${f.title}`);
  if (c.agrees) {
    out.push(
      `The check agrees with truth.json: all ${c.found.length} planted violations found by their rules, and nothing else.`,
    );
  } else {
    out.push('The check does NOT agree with truth.json:');
    for (const m of c.missed) out.push(`  not found: #${m.id} ${m.title} (${m.why})`);
    for (const f of c.extra) out.push(`  not planted: ${f.kind} ${f.rule}: ${f.title}`);
  }
  return `${out.join('\n')}\n`;
}
