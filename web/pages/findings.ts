// Findings of the policy check for the range: violations, blocked attempts, stopped flows,
// silent drops, TGW loss and flow-log health, each with evidence flows and a link to the flows
// explorer on its flows.

import { get, type Response } from '../api.js';
import { h } from '../dom.js';
import { bytes, count } from '../format.js';
import { apiParams, href } from '../state.js';
import { link } from '../ui/controls.js';
import type { Meta, Page } from './page.js';

type Finding = Response<'/api/findings'>['findings'][number];

/** Evidence columns, shown when any evidence flow has a value in them. */
const EVIDENCE = [
  'start',
  'interface_id',
  'tgw_attachment_id',
  'srcaddr',
  'pkt_srcaddr',
  'srcport',
  'dstaddr',
  'pkt_dstaddr',
  'dstport',
  'protocol',
  'action',
  'tcp_flags',
  'packets',
  'bytes',
];

const when = (iso: string | null): string => (iso === null ? '' : iso.slice(0, 19).replace('T', ' '));

function shown(column: string, v: unknown, meta: Meta): string {
  if (v === null || v === undefined) return '-';
  if (column === 'start') return when(String(v));
  if (column === 'protocol') return meta.labels.protocols[String(v)] ?? String(v);
  return String(v);
}

function evidence(f: Finding, meta: Meta): HTMLElement | null {
  if (f.evidence.length === 0) return null;
  const cols = EVIDENCE.filter((c) => f.evidence.some((e) => e[c] !== undefined && e[c] !== null));
  const row = (e: Finding['evidence'][number]) =>
    h(
      'tr',
      null,
      cols.map((c) => h('td', null, shown(c, e[c], meta))),
    );
  return h(
    'table',
    { class: 'data evidence' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        cols.map((c) => h('th', null, c)),
      ),
    ),
    h('tbody', null, f.evidence.map(row)),
  );
}

function explore(f: Finding): HTMLElement | null {
  if (f.explore === null) return null;
  const { filter, since, until } = f.explore;
  return link(
    href('flows', { filter, since: String(since), until: String(until), range: undefined }),
    'Explore these flows →',
  );
}

function card(f: Finding, meta: Meta): HTMLElement {
  const service = f.protocol === null ? '' : ` ${f.protocol}${f.port === null ? '' : `/${f.port}`}`;
  const where = f.from === null ? '' : `${f.from}${f.to === null ? '' : ` → ${f.to}`}${service}`;
  const seen = f.firstSeen === null ? '' : `${when(f.firstSeen)} – ${when(f.lastSeen)} UTC`;
  return h(
    'article',
    { class: `card finding ${f.kind}`, 'data-testid': 'finding', 'data-kind': f.kind, 'data-rule': f.rule },
    h(
      'header',
      null,
      h('span', { class: `badge ${f.kind}` }, f.kind),
      h('strong', null, f.rule),
      h('span', { class: `severity ${f.severity}` }, f.severity),
    ),
    h(
      'p',
      { class: 'where' },
      where,
      h('span', { class: 'muted' }, ` ${count(f.flows)} flows, ${bytes(f.bytes)}  ${seen}`),
    ),
    f.detail === '' ? null : h('p', null, f.detail),
    evidence(f, meta),
    explore(f),
  );
}

export const findingsPage: Page = async ({ state, meta, signal }) => {
  const r = await get('/api/findings', apiParams(state), signal);
  const summary = Object.entries(r.summary).map(([k, n]) => h('span', { class: `badge ${k}` }, `${k}: ${n}`));
  const note = state.q.get('filter')
    ? h(
        'p',
        { class: 'muted' },
        'Findings judge every flow of the range against the policy: the filter does not narrow them.',
      )
    : null;
  return {
    range: r.range,
    content: [
      h(
        'div',
        { class: 'controls summary', 'data-testid': 'findings-summary' },
        summary.length === 0 ? 'No findings: the traffic matches the policy.' : summary,
      ),
      note,
      h(
        'div',
        { class: 'findings', 'data-testid': 'findings' },
        r.findings.map((f) => card(f, meta)),
      ),
    ],
  };
};
