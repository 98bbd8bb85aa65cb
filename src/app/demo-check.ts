// The demo's check: runs examples/platform/policy.yaml over the demo store and compares the
// findings with the generator's truth.json: every planted violation found by the rule that
// should catch it, with its flows, bytes and endpoints, and no finding that nothing planted.

import { fileURLToPath } from 'node:url';
import type { Truth, TruthViolation } from '../demo/index.js';
import type { CheckResult, EvidenceFlow, Finding } from '../policy/index.js';
import { runCheck } from './check.js';

/** The example policy, beside the package (src/app and dist/app are both two levels down). */
export const EXAMPLE_POLICY = fileURLToPath(new URL('../../examples/platform/policy.yaml', import.meta.url));

/** Which rule of the example policy catches each planted violation. */
export const EXAMPLE_RULES: Readonly<Record<number, string>> = {
  1: 'east-west',
  2: 'east-west',
  3: 'internet-ssh',
  4: 'dropped',
  5: 'internet-rdp',
  6: 'production-attachments',
  7: 'flow-log-gap',
  8: 'tgw-loss',
  9: 'flow-log-missing',
};

export interface TruthComparison {
  /** planted violations and the finding that reports each */
  readonly found: readonly { readonly id: number; readonly title: string; readonly finding: Finding }[];
  /** planted violations no finding reports, and the nearest miss */
  readonly missed: readonly { readonly id: number; readonly title: string; readonly why: string }[];
  /** findings that report nothing planted */
  readonly extra: readonly Finding[];
  readonly agrees: boolean;
}

const top = (segment: string | null): string | null =>
  segment === null ? null : (segment.split('/')[0] as string);
const endpoints = (e: EvidenceFlow): readonly [string | null, string | null] => [
  e.pkt_srcaddr ?? e.srcaddr,
  e.pkt_dstaddr ?? e.dstaddr,
];
const iso = (s: string): number => Date.parse(s) / 1000;

/** Why the finding does not report the planted violation, or null when it does. */
function mismatch(v: TruthViolation, f: Finding): string | null {
  const kind = v.kind === 'missing' ? 'health' : v.kind;
  if (f.kind !== kind || f.rule !== EXAMPLE_RULES[v.id]) return `kind/rule ${f.kind}/${f.rule}`;
  if (v.kind === 'stopped' || v.kind === 'health' || v.kind === 'missing') return silenceMismatch(v, f);
  if (top(f.from) !== v.from || top(f.to) !== v.to) return `segments ${f.from} -> ${f.to}`;
  if (f.port !== v.port || f.protocol !== v.protocol) return `service ${f.protocol}/${f.port}`;
  if (v.kind === 'blocked' && f.source !== v.src) return `source ${f.source}`;
  if (v.kind !== 'tgw-loss' && (f.flows !== v.flows || f.bytes !== v.bytes))
    return `${f.flows} flows, ${f.bytes} bytes (truth.json: ${v.flows}, ${v.bytes})`;
  const planted = f.evidence.some((e) => {
    const [s, d] = endpoints(e);
    return (v.src === null || s === v.src || d === v.src) && (v.dst === null || d === v.dst || s === v.dst);
  });
  return planted ? null : 'no evidence flow between the planted endpoints';
}

function silenceMismatch(v: TruthViolation, f: Finding): string | null {
  if ((f.resource ?? f.from) !== v.from) return `segment ${f.resource ?? f.from}`;
  if (v.kind === 'missing') return null;
  const want = v.kind === 'health' ? v.gap : v.window;
  if (want === undefined) return 'truth.json has no window';
  const [a, b] = [iso(want.from), iso(want.to)];
  const covers = (f.windows ?? []).some((w) => {
    const span = v.kind === 'health' ? (w.noRecords ?? w) : w;
    return iso(span.from) <= a + 60 && iso(span.to) >= b - 60 && iso(span.to) - iso(span.from) <= b - a + 180;
  });
  return covers ? null : `windows ${(f.windows ?? []).map((w) => `${w.from}..${w.to}`).join(', ')}`;
}

export function compareWithTruth(findings: readonly Finding[], truth: Truth): TruthComparison {
  const used = new Set<Finding>();
  const found: TruthComparison['found'][number][] = [];
  const missed: TruthComparison['missed'][number][] = [];
  for (const v of truth.violations) {
    const f = findings.find((x) => !used.has(x) && mismatch(v, x) === null);
    if (f !== undefined) {
      used.add(f);
      found.push({ id: v.id, title: v.title, finding: f });
      continue;
    }
    const near = findings.filter((x) => x.rule === EXAMPLE_RULES[v.id]).map((x) => mismatch(v, x));
    missed.push({
      id: v.id,
      title: v.title,
      why: near.length === 0 ? `no ${EXAMPLE_RULES[v.id]} finding` : (near[0] as string),
    });
  }
  const extra = findings.filter((f) => !used.has(f));
  return { found, missed, extra, agrees: missed.length === 0 && extra.length === 0 };
}

/** Runs the example policy over the demo's whole run and compares with its truth. */
export async function checkDemo(
  db: string,
  truth: Truth,
  now: Date,
): Promise<{ readonly result: CheckResult; readonly comparison: TruthComparison }> {
  const result = await runCheck({
    db,
    policy: EXAMPLE_POLICY,
    since: iso(truth.generator.start),
    until: iso(truth.generator.end),
    now,
  });
  return { result, comparison: compareWithTruth(result.findings, truth) };
}
