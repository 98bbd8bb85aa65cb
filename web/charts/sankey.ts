// Paths through 2 to 4 dimensions; each column's values past its top-N are one "Other" node.

import type { Response } from '../api.js';
import { h } from '../dom.js';
import { escapeHtml, metric, percent } from '../format.js';
import { draw, OTHER_COLOUR, PALETTE } from './echarts.js';

type Sankey = Response<'/api/sankey'>;

export function sankeyChart(s: Sankey): HTMLElement {
  const el = h('div', {
    class: 'chart tall',
    'data-testid': 'sankey',
    'data-nodes': s.nodes.length,
    'data-links': s.links.length,
  });
  const labelOf = new Map(s.nodes.map((n) => [n.id, n.label]));
  draw(el, () => ({
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: {
        dataType: string;
        data: { source?: string; target?: string; value?: number; name?: string };
      }) => {
        const d = p.data;
        const v = d.value ?? 0;
        const head =
          p.dataType === 'edge'
            ? `${labelOf.get(d.source ?? '')} → ${labelOf.get(d.target ?? '')}`
            : labelOf.get(d.name ?? '');
        return `${escapeHtml(head ?? '')}<br>${metric(s.by, v)} (${percent(s.total === 0 ? 0 : v / s.total)})`;
      },
    },
    series: [
      {
        type: 'sankey',
        left: 16,
        right: 140,
        top: 24,
        bottom: 16,
        nodeGap: 10,
        draggable: false,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { formatter: (p: { name: string }) => labelOf.get(p.name) ?? p.name },
        data: s.nodes.map((n, i) => ({
          name: n.id,
          depth: n.column,
          itemStyle: { color: n.label === 'Other' ? OTHER_COLOUR : PALETTE[i % PALETTE.length] },
        })),
        links: s.links,
      },
    ],
  }));
  return el;
}
