// Overview: traffic over time stacked by a dimension (action by default), totals, and top-N
// tables with "Other"; a click on a row narrows the filter to it.

import { get } from '../api.js';
import { timeSeriesChart } from '../charts/time-series.js';
import { h } from '../dom.js';
import { bytes, count, percent } from '../format.js';
import { apiParams, update } from '../state.js';
import { metricPicker, select, topTable } from '../ui/controls.js';
import { narrow } from '../ui/filter-bar.js';
import type { Page } from './page.js';

function stat(label: string, value: string, note?: string): HTMLElement {
  return h(
    'div',
    { class: 'stat' },
    h('span', { class: 'stat-label' }, label),
    h('span', { class: 'stat-value' }, value),
    note === undefined ? null : h('span', { class: 'muted' }, note),
  );
}

export const overviewPage: Page = async ({ state, meta, signal }) => {
  const o = await get('/api/overview', apiParams(state), signal);
  const t = o.totals;
  const controls = h(
    'div',
    { class: 'controls' },
    select('stack by', 'dimension', meta.dimensions, o.dimension, (v) =>
      update({ dimension: v === 'action' ? undefined : v }),
    ),
    metricPicker(o.by),
  );
  const totals = h(
    'div',
    { class: 'totals', 'data-testid': 'totals' },
    stat('flows', count(t.flows)),
    stat('bytes', bytes(t.bytes)),
    stat('packets', count(t.packets)),
    stat('accepted', count(t.accepted), t.flows === 0 ? undefined : percent(t.accepted / t.flows)),
    stat('rejected', count(t.rejected), t.flows === 0 ? undefined : percent(t.rejected / t.flows)),
  );
  const tops = h(
    'div',
    { class: 'tops' },
    o.top.map((x) => topTable(x, o.by, (f) => narrow(state, f))),
  );
  return {
    range: o.range,
    content: [controls, totals, h('section', { class: 'card' }, timeSeriesChart(o)), tops],
  };
};
