// ECharts with only the parts the dashboard draws (line, sankey, heatmap; grid, tooltip, legend,
// visual map; canvas), to keep the bundle small. Charts follow their container's size and are
// disposed when the page re-renders.

import { HeatmapChart, LineChart, SankeyChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([
  LineChart,
  SankeyChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type Chart = EChartsType;

const live = new Set<{ chart: Chart; observer: ResizeObserver }>();

export const PALETTE = [
  '#3b6fd4',
  '#e07b39',
  '#3fa57a',
  '#c84f6d',
  '#8a63c9',
  '#2aa6b8',
  '#b59a2d',
  '#6b7a8f',
  '#d36fb0',
  '#5c9e31',
];
export const OTHER_COLOUR = '#b8bfc9';

export function chart(el: HTMLElement): Chart {
  const c = init(el, undefined, { renderer: 'canvas' });
  const observer = new ResizeObserver(() => c.resize());
  observer.observe(el);
  live.add({ chart: c, observer });
  return c;
}

/** Draws once the element is in the page (after the current render), unless it left it. */
export function draw(el: HTMLElement, option: () => Parameters<Chart['setOption']>[0]): void {
  requestAnimationFrame(() => {
    if (el.isConnected) chart(el).setOption(option());
  });
}

/** Disposes every chart (before a page renders anew). */
export function disposeCharts(): void {
  for (const x of live) {
    x.observer.disconnect();
    x.chart.dispose();
  }
  live.clear();
}
