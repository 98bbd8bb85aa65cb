// From-segment x to-segment: each cell's colour is its policy verdict (allowed, violation,
// blocked attempt), its label the traffic in it.

import type { Response } from '../api.js';
import { h } from '../dom.js';
import { bytes, count, escapeHtml, metric } from '../format.js';
import { draw } from './echarts.js';

type Matrix = Response<'/api/matrix'>;

export const VERDICT_COLOURS = { allowed: '#5aa469', blocked: '#e3a33b', violation: '#d64545' } as const;
const VERDICTS = ['allowed', 'blocked', 'violation'] as const;

export function matrixChart(m: Matrix): HTMLElement {
  const el = h('div', { class: 'chart matrix', 'data-testid': 'matrix', 'data-cells': m.cells.length });
  el.style.height = `${Math.max(320, 90 + m.from.length * 30)}px`;
  const xi = new Map(m.to.map((s, i) => [s, i]));
  const yi = new Map(m.from.map((s, i) => [s, i]));
  // the colour says the verdict, its strength the traffic (log scale: a few flows still show)
  const amount = (c: Matrix['cells'][number]) => (m.by === 'bytes' ? c.bytes : c.flows);
  const top = Math.log1p(Math.max(1, ...m.cells.map(amount)));
  const data = m.cells.map((c) => ({
    value: [xi.get(c.to), yi.get(c.from), VERDICTS.indexOf(c.verdict)],
    cell: c,
    itemStyle: { opacity: 0.3 + (0.7 * Math.log1p(amount(c))) / top },
  }));
  draw(el, () => ({
    animation: false,
    grid: { left: 220, right: 24, top: 24, bottom: 150 },
    tooltip: {
      formatter: (p: { data: { cell: Matrix['cells'][number] } }) => {
        const c = p.data.cell;
        return (
          `${escapeHtml(c.from)} → ${escapeHtml(c.to)}<br><b>${c.verdict}</b><br>${count(c.flows)} flows, ${bytes(c.bytes)}` +
          (c.violations > 0 ? `<br>${count(c.violations)} violating flows` : '') +
          (c.blocked > 0 ? `<br>${count(c.blocked)} blocked attempts` : '') +
          (c.policy === null
            ? ''
            : `<br>policy: ${c.policy}${c.rules.length === 0 ? '' : ` (${escapeHtml(c.rules.join(', '))})`}`)
        );
      },
    },
    xAxis: {
      type: 'category',
      data: m.to,
      axisLabel: { rotate: 50, interval: 0 },
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      data: m.from,
      inverse: true,
      axisLabel: { interval: 0 },
      splitArea: { show: true },
    },
    visualMap: {
      type: 'piecewise',
      dimension: 2,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      pieces: VERDICTS.map((v, i) => ({
        value: i,
        label: v === 'blocked' ? 'blocked attempt' : v,
        color: VERDICT_COLOURS[v],
      })),
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: m.to.length <= 24,
          fontSize: 10,
          formatter: (p: { data: { cell: Matrix['cells'][number] } }) =>
            metric(m.by, m.by === 'bytes' ? p.data.cell.bytes : p.data.cell.flows),
        },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  }));
  return el;
}
