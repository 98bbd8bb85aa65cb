// Sankey: 2 to 4 dimensions (source segment -> destination segment -> service with a policy), by
// bytes, packets or flows; each column keeps its top values and folds the rest into "Other".

import { get } from '../api.js';
import { sankeyChart } from '../charts/sankey.js';
import { h } from '../dom.js';
import { metric } from '../format.js';
import { apiParams, update } from '../state.js';
import { metricPicker, select } from '../ui/controls.js';
import type { Page } from './page.js';

export const sankeyPage: Page = async ({ state, meta, signal }) => {
  const s = await get('/api/sankey', apiParams(state), signal);
  const set = (dims: readonly string[]) => update({ dimensions: dims.join(',') });
  const pickers = s.dimensions.map((d, i) =>
    select(`column ${i + 1}`, `dimension-${i}`, meta.dimensions, d, (v) =>
      set(s.dimensions.map((x, j) => (j === i ? v : x))),
    ),
  );
  const unused = meta.dimensions.find((d) => !s.dimensions.includes(d)) ?? 'dstport';
  const controls = h(
    'div',
    { class: 'controls' },
    pickers,
    s.dimensions.length < 4
      ? h('button', { type: 'button', onclick: () => set([...s.dimensions, unused]) }, '+ column')
      : null,
    s.dimensions.length > 2
      ? h(
          'button',
          { type: 'button', class: 'quiet', onclick: () => set(s.dimensions.slice(0, -1)) },
          '− column',
        )
      : null,
    metricPicker(s.by),
  );
  const empty =
    s.links.length === 0 ? h('p', { class: 'muted' }, 'No traffic in this range and filter.') : null;
  return {
    range: s.range,
    content: [
      controls,
      h(
        'section',
        { class: 'card' },
        h('p', { class: 'muted' }, `${metric(s.by, s.total)} in all`),
        empty ?? sankeyChart(s),
      ),
    ],
  };
};
