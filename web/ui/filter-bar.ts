// The filter bar: the filter language (src/filter), applied on Enter and kept in the URL. A filter
// error from any view is shown under it with the offending token marked at its column.

import type { ApiError } from '../api.js';
import { h } from '../dom.js';
import { type State, update } from '../state.js';

/** The filter text with the token at `filter:<line>:<col>` marked; undefined if `at` has no position. */
export function markError(text: string, at: string | undefined): HTMLElement | undefined {
  const m = /^filter:(\d+):(\d+)$/.exec(at ?? '');
  if (m === null) return undefined;
  const lines = text.split('\n');
  const line = lines[Number(m[1]) - 1] ?? '';
  const col = Number(m[2]) - 1;
  const token = /^\S*/.exec(line.slice(col))?.[0] ?? '';
  return h(
    'pre',
    { class: 'filter-mark', 'data-testid': 'filter-mark', 'data-column': col + 1 },
    line.slice(0, col),
    h('mark', null, token === '' ? '\u00a0' : token),
    line.slice(col + token.length),
  );
}

export function filterBar(state: State, error: ApiError | undefined): HTMLElement {
  const text = state.q.get('filter') ?? '';
  const input = h('input', {
    type: 'search',
    name: 'filter',
    value: text,
    placeholder: 'filter, e.g.  dst port 443 and not src net 10.0.0.0/8',
    spellcheck: false,
    autocomplete: 'off',
    'aria-label': 'filter',
    'data-testid': 'filter-input',
    class: error?.code === 'filter.invalid' ? 'invalid' : undefined,
  });
  const form = h(
    'form',
    {
      class: 'filter-bar',
      onsubmit: (e: Event) => {
        e.preventDefault();
        update({ filter: input.value.trim(), offset: undefined });
      },
    },
    input,
    h('button', { type: 'submit' }, 'Apply'),
    text === ''
      ? null
      : h(
          'button',
          { type: 'button', class: 'quiet', onclick: () => update({ filter: undefined, offset: undefined }) },
          'Clear',
        ),
  );
  if (error?.code !== 'filter.invalid') return h('div', null, form);
  return h(
    'div',
    null,
    form,
    h(
      'div',
      { class: 'filter-error', role: 'alert', 'data-testid': 'filter-error' },
      markError(text, error.at),
      h('p', null, error.message),
      error.hint === undefined ? null : h('p', { class: 'hint' }, error.hint),
    ),
  );
}

/** Adds a term to the current filter with `and` (a click on a top-N row). */
export function narrow(state: State, term: string): void {
  const text = state.q.get('filter')?.trim() ?? '';
  update({ filter: text === '' ? term : `(${text}) and ${term}`, offset: undefined });
}
