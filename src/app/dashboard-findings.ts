// Findings: the policy check over the view's range (violations, blocked attempts, stopped flows,
// silent drops, TGW loss, flow-log health), each with its evidence flows and a filter and range
// that open the flows explorer on the connection's flows, both directions.

import type { EvidenceFlow, Finding } from '../policy/index.js';
import type { ViewContext } from './dashboard-context.js';
import { label } from './dashboard-labels.js';
import type { Checks } from './dashboard-policy.js';
import type { Cell, DashboardFinding, FindingsView, ViewRequest } from './dashboard-types.js';

const MAX_HOSTS = 8;
const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const effective = (pkt: string | null, own: string | null): string | null => pkt ?? own;

/** Client and server addresses of the evidence, by which side holds the service port. */
function endpoints(f: Finding): { clients: string[]; servers: string[] } {
  const clients = new Set<string>();
  const servers = new Set<string>();
  for (const e of f.evidence) {
    const [src, dst] = [effective(e.pkt_srcaddr, e.srcaddr), effective(e.pkt_dstaddr, e.dstaddr)];
    const reply = f.port !== null && e.srcport === f.port && e.dstport !== f.port;
    const [c, s] = reply ? [dst, src] : [src, dst];
    if (c !== null) clients.add(c);
    if (s !== null) servers.add(s);
  }
  return { clients: [...clients].slice(0, MAX_HOSTS), servers: [...servers].slice(0, MAX_HOSTS) };
}

/** A filter for the finding's connections, requests and replies; null when it has no evidence. */
export function exploreFilter(f: Finding): string | null {
  const { clients, servers } = endpoints(f);
  if (clients.length === 0 || servers.length === 0) return null;
  const list = (xs: readonly string[]) => (xs.length === 1 ? xs[0] : `in [${xs.join(', ')}]`);
  const port = (side: 'src' | 'dst') => (f.port === null ? '' : ` and ${side} port ${f.port}`);
  const proto = f.protocol === null ? '' : `proto ${label('protocol', f.protocol)} and `;
  return `${proto}((src host ${list(clients)} and dst host ${list(servers)}${port('dst')}) or (src host ${list(servers)} and dst host ${list(clients)}${port('src')}))`;
}

function detail(f: Finding): string {
  const parts = [f.title];
  if (f.source !== undefined) parts.push(`source ${f.source}`);
  if (f.resource !== undefined) parts.push(`resource ${f.resource}`);
  for (const w of f.windows ?? [])
    parts.push(`silent ${w.from} to ${w.to} (${Math.round(w.seconds / 60)} min)`);
  for (const x of f.expiredExceptions ?? []) parts.push(`exception ${x.name} expired ${x.expires}`);
  return [...parts, ...(f.notes ?? [])].join('; ');
}

function shown(f: Finding): DashboardFinding {
  const filter = exploreFilter(f);
  return {
    kind: f.kind,
    rule: f.rule,
    severity: f.severity,
    from: f.from,
    to: f.to,
    protocol: f.protocol === null ? null : label('protocol', f.protocol),
    port: f.port,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    flows: f.flows,
    bytes: f.bytes,
    detail: detail(f),
    evidence: f.evidence.map((e: EvidenceFlow) => ({ ...e }) as Readonly<Record<string, Cell>>),
    explore:
      filter === null || f.firstSeen === null || f.lastSeen === null
        ? null
        : { filter, since: seconds(f.firstSeen), until: seconds(f.lastSeen) + 1 },
  };
}

export async function findingsView(
  ctx: ViewContext,
  req: ViewRequest,
  checks: Checks,
): Promise<FindingsView> {
  const range = ctx.range(req.range);
  const r = await checks.get(range.since, range.until);
  const summary = Object.fromEntries(Object.entries(r.summary.byKind).filter(([, n]) => n > 0));
  return { range, findings: r.findings.map(shown), summary };
}
