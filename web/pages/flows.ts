// Flows explorer: a page of matching flows (oldest first), chosen columns, previous/next, and
// the same question as a CSV download.

import { csvUrl, get, type Response } from '../api.js';
import { h } from '../dom.js';
import { apiParams, update } from '../state.js';
import { dataTable, select } from '../ui/controls.js';
import type { Meta, Page } from './page.js';

type Cell = Response<'/api/flows'>['rows'][number][number];

function columnChooser(
  all: readonly { name: string; description: string }[],
  shown: readonly string[],
  dflt: readonly string[],
): HTMLElement {
  const boxes = all.map((c) =>
    h('input', { type: 'checkbox', name: c.name, checked: shown.includes(c.name) }),
  );
  const apply = () => {
    const picked = all.filter((_, i) => boxes[i]?.checked === true).map((c) => c.name);
    update({
      columns: picked.length === 0 || picked.join(',') === dflt.join(',') ? undefined : picked.join(','),
      offset: undefined,
    });
  };
  return h(
    'details',
    { class: 'column-chooser', 'data-testid': 'column-chooser' },
    h('summary', null, `columns (${shown.length})`),
    h(
      'div',
      { class: 'columns' },
      all.map((c, i) => h('label', { title: c.description }, boxes[i], c.name)),
    ),
    h('button', { type: 'button', onclick: apply }, 'Apply'),
    h(
      'button',
      { type: 'button', class: 'quiet', onclick: () => update({ columns: undefined, offset: undefined }) },
      'Defaults',
    ),
  );
}

const PORTS = new Set(['srcport', 'dstport']);

/** One value as people read it: UTC times without the T and Z, protocol names, port services. */
function cell(column: string, v: Cell, meta: Meta): HTMLElement {
  if (v === null) return h('td', { class: 'muted' }, '-');
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v))
    return h('td', { title: v }, v.slice(0, 19).replace('T', ' '));
  if (column === 'protocol')
    return h('td', { title: String(v) }, meta.labels.protocols[String(v)] ?? String(v));
  const service = PORTS.has(column) ? meta.labels.services[String(v)] : undefined;
  return h(
    'td',
    { class: typeof v === 'number' ? 'num' : undefined },
    service === undefined ? String(v) : `${v} ${service}`,
  );
}

function pager(offset: number, shown: number, more: boolean, limit: number): HTMLElement {
  const previous = () => update({ offset: offset - limit > 0 ? String(offset - limit) : undefined });
  const text = shown === 0 ? 'no flows' : `flows ${offset + 1}–${offset + shown}`;
  return h(
    'div',
    { class: 'pager' },
    h('button', { type: 'button', disabled: offset === 0, onclick: previous }, '← previous'),
    h('span', { class: 'muted', 'data-testid': 'flows-page' }, text),
    h(
      'button',
      { type: 'button', disabled: !more, onclick: () => update({ offset: String(offset + limit) }) },
      'next →',
    ),
  );
}

export const flowsPage: Page = async ({ state, meta, signal }) => {
  const params = apiParams(state);
  const f = await get('/api/flows', params, signal);
  const limit = Number(params.limit ?? 50);
  const rows = f.rows.map((r) => r.map((v, i) => cell(f.columns[i] ?? '', v, meta)));
  const table = dataTable({ class: 'data flows', 'data-testid': 'flows-table' }, f.columns, rows);
  const perPage = (v: string) => update({ limit: v === '50' ? undefined : v, offset: undefined });
  const controls = h(
    'div',
    { class: 'controls' },
    columnChooser(meta.columns, f.columns, meta.defaultColumns),
    select('per page', 'limit', ['50', '100', '500', '1000'], String(limit), perPage),
    h(
      'a',
      { class: 'button', href: csvUrl(params), download: 'flows.csv', 'data-testid': 'csv' },
      'Download CSV',
    ),
    pager(f.offset, f.rows.length, f.more, limit),
  );
  return { range: f.range, content: [controls, h('section', { class: 'card scroll' }, table)] };
};
