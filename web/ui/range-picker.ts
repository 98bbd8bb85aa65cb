// The one time range: the last 1 h, 24 h or 7 d of the store (counted back from its last flow, so
// past logs still show) or a custom UTC range; shown with the dates the view answered for.

import type { Response } from '../api.js';
import { h } from '../dom.js';
import { localInput, time } from '../format.js';
import { type State, update } from '../state.js';

type Range = Response<'/api/overview'>['range'];

const SPANS = ['1h', '24h', '7d'] as const;

function customForm(state: State, shown: Range | undefined): HTMLElement {
  const since = h('input', {
    type: 'datetime-local',
    name: 'since',
    'aria-label': 'since (UTC)',
    value: shown ? localInput(shown.since) : undefined,
  });
  const until = h('input', {
    type: 'datetime-local',
    name: 'until',
    'aria-label': 'until (UTC)',
    value: shown ? localInput(shown.until) : undefined,
  });
  return h(
    'form',
    {
      class: 'custom-range',
      hidden: !state.q.has('since'),
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (since.value === '' || until.value === '') return;
        update({
          range: undefined,
          since: `${since.value}:00Z`,
          until: `${until.value}:00Z`,
          offset: undefined,
        });
      },
    },
    since,
    '–',
    until,
    h('span', { class: 'muted' }, 'UTC'),
    h('button', { type: 'submit' }, 'Apply'),
  );
}

export function rangePicker(state: State, shown: Range | undefined): HTMLElement {
  const custom = state.q.has('since');
  const active = custom ? 'custom' : (state.q.get('range') ?? '24h');
  const form = customForm(state, shown);
  const button = (label: string, onclick: () => void) =>
    h(
      'button',
      { type: 'button', class: active === label ? 'active' : undefined, 'data-range': label, onclick },
      label,
    );
  return h(
    'div',
    { class: 'range-picker' },
    h(
      'div',
      { class: 'segmented', role: 'group', 'aria-label': 'time range' },
      SPANS.map((s) =>
        button(s, () =>
          update({
            range: s === '24h' ? undefined : s,
            since: undefined,
            until: undefined,
            offset: undefined,
          }),
        ),
      ),
      button('custom', () => {
        form.hidden = !form.hidden;
      }),
    ),
    form,
    h(
      'span',
      { class: 'range-shown', 'data-testid': 'range-shown' },
      shown ? `${time(shown.since)} – ${time(shown.until)} UTC` : '',
    ),
  );
}
