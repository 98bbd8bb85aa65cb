// The dashboard: a header (views, time range, filter) and one view below, rendered anew from the
// URL on every change. A filter error is shown in the filter bar at its column; other errors in
// the view.

import { type ApiError, ApiFailure, get } from './api.js';
import { disposeCharts } from './charts/echarts.js';
import { fill, h } from './dom.js';
import { time } from './format.js';
import { findingsPage } from './pages/findings.js';
import { flowsPage } from './pages/flows.js';
import { matrixPage } from './pages/matrix.js';
import { overviewPage } from './pages/overview.js';
import type { Meta, Page, Range } from './pages/page.js';
import { sankeyPage } from './pages/sankey.js';
import { current, listen, type View } from './state.js';
import { errorBox } from './ui/controls.js';
import { filterBar } from './ui/filter-bar.js';
import { nav } from './ui/nav.js';
import { rangePicker } from './ui/range-picker.js';
import './style.css';

const PAGES: Readonly<Record<View, Page>> = {
  overview: overviewPage,
  sankey: sankeyPage,
  matrix: matrixPage,
  findings: findingsPage,
  flows: flowsPage,
};

const app = document.getElementById('app') as HTMLElement;
let meta: Meta | undefined;
let inflight: AbortController | undefined;

function header(range: Range | undefined, error: ApiError | undefined): HTMLElement {
  const state = current();
  const store =
    meta === undefined || meta.first === null || meta.last === null
      ? ''
      : `store: ${time(meta.first)} – ${time(meta.last)} UTC`;
  return h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'brand-row' },
      h('span', { class: 'brand' }, 'flowsight'),
      nav(state, meta),
      h('span', { class: 'muted store' }, store),
    ),
    h('div', { class: 'query-row' }, rangePicker(state, range), filterBar(state, error)),
  );
}

async function render(): Promise<void> {
  inflight?.abort();
  const ctl = new AbortController();
  inflight = ctl;
  const state = current();
  document.title = `${state.info.title} · flowsight`;
  const main = h(
    'main',
    { 'data-view': state.info.view, 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'loading…'),
  );
  fill(app, header(undefined, undefined), main);
  try {
    meta ??= await get('/api/meta', {}, ctl.signal);
    const r = await PAGES[state.info.view]({ state, meta, signal: ctl.signal });
    if (ctl.signal.aborted) return;
    disposeCharts();
    fill(
      app,
      header(r.range, undefined),
      h('main', { 'data-view': state.info.view, 'data-ready': 'true' }, r.content),
    );
  } catch (e) {
    if (ctl.signal.aborted) return;
    const err: ApiError =
      e instanceof ApiFailure ? e.error : { code: 'client', message: (e as Error).message };
    disposeCharts();
    const body =
      err.code === 'filter.invalid'
        ? h('p', { class: 'muted' }, 'Fix the filter above to see this view.')
        : errorBox(err);
    fill(
      app,
      header(undefined, err),
      h('main', { 'data-view': state.info.view, 'data-ready': 'error' }, body),
    );
  }
}

listen(() => void render());
void render();
