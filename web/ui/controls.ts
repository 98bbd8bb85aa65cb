// Small controls the views share: a labelled select, a metric picker, a link that navigates
// inside the page, an error box and a top-N table.

import type { ApiError, Response } from '../api.js';
import { type Attrs, type Child, h } from '../dom.js';
import { metric, percent } from '../format.js';
import { navigate, update } from '../state.js';

export function select(
  label: string,
  name: string,
  choices: readonly string[],
  value: string,
  onchange: (v: string) => void,
): HTMLElement {
  const el = h(
    'select',
    { name, 'aria-label': label, onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) },
    choices.map((c) => h('option', { value: c, selected: c === value }, c)),
  );
  return h('label', { class: 'control' }, h('span', null, label), el);
}

export function metricPicker(
  value: string,
  choices: readonly string[] = ['bytes', 'packets', 'flows'],
): HTMLElement {
  return select('metric', 'by', choices, value, (v) => update({ by: v === choices[0] ? undefined : v }));
}

/** An <a> that changes the URL without reloading the page. */
export function link(url: string, ...children: Child[]): HTMLAnchorElement {
  return h(
    'a',
    {
      href: url,
      onclick: (e: Event) => {
        const m = e as MouseEvent;
        if (m.ctrlKey || m.metaKey || m.shiftKey || m.button !== 0) return;
        e.preventDefault();
        navigate(url);
      },
    },
    ...children,
  );
}

export function errorBox(e: ApiError): HTMLElement {
  return h(
    'div',
    { class: 'error-box', role: 'alert', 'data-testid': 'error' },
    h('strong', null, e.message),
    e.hint === undefined ? null : h('p', { class: 'hint' }, e.hint),
    h('p', { class: 'muted' }, e.code),
  );
}

type TopTable = Response<'/api/overview'>['top'][number];

/** A label that may wrap after each `/` (segment names), not inside a word. */
function wrappable(label: string): Child[] {
  return label.split('/').flatMap((part, i) => (i === 0 ? [part] : ['/', h('wbr'), part]));
}

export function topTable(t: TopTable, by: string, onPick: (filter: string) => void): HTMLElement {
  const rows = t.rows.map((r) =>
    h(
      'tr',
      { class: r.other ? 'other' : undefined },
      h(
        'td',
        { class: 'label' },
        r.filter === undefined
          ? wrappable(r.label)
          : h(
              'button',
              {
                type: 'button',
                class: 'cell-link',
                title: `filter: ${r.filter}`,
                onclick: () => onPick(r.filter as string),
              },
              wrappable(r.label),
            ),
      ),
      h('td', { class: 'num' }, metric(by, r.value)),
      h('td', { class: 'num share', style: `--share:${(r.share * 100).toFixed(1)}%` }, percent(r.share)),
    ),
  );
  return h(
    'section',
    { class: 'card top-table', 'data-testid': `top-${t.dimension}` },
    h('h3', null, `Top ${t.dimension.replace('_', ' ')}`),
    h(
      'table',
      null,
      h('tbody', null, rows.length === 0 ? h('tr', null, h('td', { class: 'muted' }, 'no traffic')) : rows),
    ),
  );
}

/** A table of rows under a header of column names. */
export function dataTable(
  attrs: Attrs,
  columns: readonly string[],
  rows: readonly (readonly Child[])[],
): HTMLTableElement {
  const head = h(
    'tr',
    null,
    columns.map((c) => h('th', null, c)),
  );
  return h(
    'table',
    attrs,
    h('thead', null, head),
    h(
      'tbody',
      null,
      rows.map((r) => h('tr', null, ...r)),
    ),
  );
}
