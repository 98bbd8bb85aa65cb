// Traffic over time, stacked by the chosen dimension ("Other" grey, on top).

import type { Response } from '../api.js';
import { h } from '../dom.js';
import { metric, time } from '../format.js';
import { draw, OTHER_COLOUR, PALETTE } from './echarts.js';

type Overview = Response<'/api/overview'>;

/** Values whose colour means something: the action stack reads at a glance. */
const NAMED: Readonly<Record<string, string>> = { ACCEPT: '#5aa469', REJECT: '#d64545', OK: '#5aa469' };

export function timeSeriesChart(o: Overview): HTMLElement {
  const el = h('div', { class: 'chart', 'data-testid': 'time-series', 'data-series': o.series.length });
  const per = o.range.step;
  draw(el, () => ({
    animation: false,
    // the page shows UTC everywhere (flow logs are in UTC)
    useUTC: true,
    color: PALETTE,
    grid: { left: 72, right: 24, top: 40, bottom: 32 },
    legend: { type: 'scroll', top: 0 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => metric(o.by, Number(v)),
    },
    xAxis: {
      type: 'time',
      min: o.range.since * 1000,
      max: o.range.until * 1000,
      axisLabel: {
        hideOverlap: true,
        formatter: { day: '{MMM} {d}', hour: '{HH}:{mm}', minute: '{HH}:{mm}' },
      },
    },
    yAxis: {
      type: 'value',
      name: `${o.by} per ${per >= 3600 ? `${per / 3600} h` : `${per / 60} min`}`,
      axisLabel: { formatter: (v: number) => metric(o.by, v) },
    },
    series: o.series.map((s) => ({
      name: s.name,
      type: 'line',
      stack: 'total',
      step: 'start',
      symbol: 'none',
      areaStyle: { opacity: 0.85 },
      lineStyle: { width: 0.5 },
      ...(s.other ? { color: OTHER_COLOUR } : NAMED[s.name] === undefined ? {} : { color: NAMED[s.name] }),
      data: s.values.map((v, i) => [(o.buckets[i] ?? 0) * 1000, v]),
    })),
  }));
  el.title = `${time(o.range.since)} – ${time(o.range.until)} UTC`;
  return el;
}
