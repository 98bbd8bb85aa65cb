// The segment matrix: traffic from each segment to each, coloured by what the policy check found
// for the pair in the same range (violation, blocked attempt, or allowed), with the policy's own
// word on the pair (denied, restricted, open) for the most specific segments.

import { matrix } from '../analyses/index.js';
import { type FindingKind, type Policy, pairVerdict } from '../policy/index.js';
import type { ViewContext } from './dashboard-context.js';
import type { Checks, Level } from './dashboard-policy.js';
import { segmentDimension } from './dashboard-policy.js';
import type { Matrix, MatrixCell, MatrixRequest } from './dashboard-types.js';

export const NO_SEGMENT = '(no segment)';

const lift = (name: string | null, level: Level): string =>
  name === null ? NO_SEGMENT : level === 'top' ? (name.split('/')[0] as string) : name;

/** Flows the check reported per pair and kind: `from\0to` -> kind -> flows. */
function foundByPair(
  findings: readonly { kind: FindingKind; from: string | null; to: string | null; flows: number }[],
  level: Level,
) {
  const out = new Map<string, Partial<Record<FindingKind, number>>>();
  for (const f of findings) {
    if (f.kind !== 'violation' && f.kind !== 'blocked') continue;
    const key = `${lift(f.from, level)}\u0000${lift(f.to, level)}`;
    const had = out.get(key) ?? {};
    out.set(key, { ...had, [f.kind]: (had[f.kind] ?? 0) + f.flows });
  }
  return out;
}

/**
 * The matrix's one order for rows and columns: every segment with traffic either way, in the
 * policy's code order (by name path: alphabetical, each segment's subtree together), those it
 * does not name last. One order puts a segment's traffic to itself on the diagonal, and a cell
 * stays in its place when the range or the filter changes (most traffic first, as before, moved
 * rows and columns apart and with every filter).
 */
export function segmentOrder(cells: readonly MatrixCell[], policy: Policy, level: Level): string[] {
  const rank = new Map<string, number>();
  for (const [i, s] of policy.segments.entries()) {
    const name = lift(s.name, level);
    if (!rank.has(name)) rank.set(name, i);
  }
  const names = new Set(cells.flatMap((c) => [c.from, c.to]));
  const at = (n: string) => rank.get(n) ?? Number.MAX_SAFE_INTEGER;
  return [...names].sort((a, b) => at(a) - at(b) || a.localeCompare(b));
}

export async function matrixView(
  ctx: ViewContext,
  req: MatrixRequest,
  policy: Policy,
  checks: Checks,
): Promise<Matrix> {
  const range = ctx.range(req.range);
  const where = ctx.where(req.filter);
  const node = matrix({
    from: segmentDimension(policy, 'src', req.level),
    to: segmentDimension(policy, 'dst', req.level),
    range,
    ...(where === undefined ? {} : { where }),
  });
  const [rows, check] = await Promise.all([ctx.run(node), checks.get(range.since, range.until)]);
  const found = foundByPair(check.findings, req.level);
  const cells = rows.rows.map((r): MatrixCell => {
    const [from, to] = [
      r.from === null ? NO_SEGMENT : String(r.from),
      r.to === null ? NO_SEGMENT : String(r.to),
    ];
    const f = found.get(`${from}\u0000${to}`) ?? {};
    const said =
      req.level === 'segment' && r.from !== null && r.to !== null ? pairVerdict(policy, from, to) : null;
    return {
      from,
      to,
      flows: Number(r.flows),
      bytes: Number(r.bytes ?? 0),
      violations: f.violation ?? 0,
      blocked: f.blocked ?? 0,
      verdict: f.violation !== undefined ? 'violation' : f.blocked !== undefined ? 'blocked' : 'allowed',
      policy: said?.verdict ?? null,
      rules: said?.rules ?? [],
    };
  });
  const order = segmentOrder(cells, policy, req.level);
  return { range, by: req.by, level: req.level, from: order, to: order, cells };
}
