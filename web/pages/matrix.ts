// Segment matrix: from-segment x to-segment, bytes or flows per cell, coloured by the policy's
// verdict: allowed, violation (ACCEPTed flows the policy forbids), blocked attempt (REJECTed).

import { get, type Response } from '../api.js';
import { matrixChart } from '../charts/matrix.js';
import { h } from '../dom.js';
import { bytes, count } from '../format.js';
import { apiParams, href, update } from '../state.js';
import { dataTable, link, metricPicker, select } from '../ui/controls.js';
import type { Page } from './page.js';

type Cell = Response<'/api/matrix'>['cells'][number];

const FLAGGED = [
  'from',
  'to',
  'verdict',
  'violating flows (all logs)',
  'blocked attempts',
  'flows in the cell',
  'bytes in the cell',
];
const NOTE =
  "Rows: from; columns: to. Colour: what the policy check found for the pair in this range (its strength: the traffic). A connection's replies sit in the reverse cell.";

/** The cells that are not allowed, worst first. */
function flaggedTable(cells: readonly Cell[]): HTMLElement {
  const flagged = cells
    .filter((c) => c.verdict !== 'allowed')
    .sort((a, b) => b.violations - a.violations || b.blocked - a.blocked);
  if (flagged.length === 0)
    return h('p', { class: 'muted' }, 'None: all traffic between segments is allowed.');
  const num = (n: string) => h('td', { class: 'num' }, n);
  const rows = flagged.map((c) => [
    h('td', null, c.from),
    h('td', null, c.to),
    h('td', null, h('span', { class: `badge ${c.verdict}` }, c.verdict)),
    num(count(c.violations)),
    num(count(c.blocked)),
    num(count(c.flows)),
    num(bytes(c.bytes)),
  ]);
  return dataTable({ class: 'data', 'data-testid': 'flagged' }, FLAGGED, rows);
}

export const matrixPage: Page = async ({ state, signal }) => {
  const m = await get('/api/matrix', apiParams(state), signal);
  const level = (v: string) => update({ level: v === 'top' ? undefined : v });
  const chart =
    m.cells.length === 0
      ? h('p', { class: 'muted' }, 'No traffic in this range and filter.')
      : matrixChart(m);
  return {
    range: m.range,
    content: [
      h(
        'div',
        { class: 'controls' },
        select('segments', 'level', ['top', 'segment'], m.level, level),
        metricPicker(m.by, ['bytes', 'flows']),
        h('span', { class: 'muted' }, NOTE),
      ),
      h('section', { class: 'card' }, chart),
      h(
        'section',
        { class: 'card' },
        h('h3', null, 'Cells the policy flags ', link(href('findings'), '(see the findings)')),
        flaggedTable(m.cells),
      ),
    ],
  };
};
