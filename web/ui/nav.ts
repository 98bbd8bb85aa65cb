// The header: the views (segment views marked when no policy is loaded), keeping range and filter.

import type { Response } from '../api.js';
import { h } from '../dom.js';
import { href, type State, VIEWS } from '../state.js';
import { link } from './controls.js';

export function nav(state: State, meta: Response<'/api/meta'> | undefined): HTMLElement {
  return h(
    'nav',
    { class: 'views' },
    VIEWS.map((v) => {
      const a = link(href(v.view), v.title);
      if (v.view === state.info.view) a.setAttribute('aria-current', 'page');
      if (v.needsPolicy === true && meta?.policy === null) {
        a.classList.add('disabled');
        a.title = 'needs a policy: flowsight serve --policy FILE';
      }
      return a;
    }),
  );
}
