// All of the dashboard's state is in the URL: the path is the view, the query its parameters,
// named as the API names them (range or since/until, filter, then the view's own). A link
// reproduces the view; back and forward work.

export type View = 'overview' | 'sankey' | 'matrix' | 'findings' | 'flows';

export interface ViewInfo {
  readonly view: View;
  readonly path: string;
  readonly title: string;
  /** the view's own parameters (besides range and filter) */
  readonly params: readonly string[];
  readonly needsPolicy?: boolean;
}

export const VIEWS: readonly ViewInfo[] = [
  { view: 'overview', path: '/', title: 'Overview', params: ['dimension', 'by', 'limit', 'top'] },
  { view: 'sankey', path: '/sankey', title: 'Sankey', params: ['dimensions', 'by', 'limit'] },
  { view: 'matrix', path: '/matrix', title: 'Segment matrix', params: ['by', 'level'], needsPolicy: true },
  { view: 'findings', path: '/findings', title: 'Findings', params: [], needsPolicy: true },
  { view: 'flows', path: '/flows', title: 'Flows', params: ['columns', 'limit', 'offset'] },
];

export const COMMON = ['range', 'since', 'until', 'filter'] as const;

export interface State {
  readonly info: ViewInfo;
  readonly q: URLSearchParams;
}

export function current(): State {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const info = VIEWS.find((v) => v.path === path) ?? (VIEWS[0] as ViewInfo);
  return { info, q: new URLSearchParams(location.search) };
}

/** The parameters a view's API call takes, from the URL. */
export function apiParams(s: State): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of [...COMMON, ...s.info.params]) {
    const v = s.q.get(k);
    if (v !== null && v !== '') out[k] = v;
  }
  return out;
}

type Changes = Readonly<Record<string, string | undefined>>;

/** A URL: the same range and filter, another view (its own parameters dropped) or changes. */
export function href(view: View, changes: Changes = {}, from: State = current()): string {
  const info = VIEWS.find((v) => v.view === view) as ViewInfo;
  const q = new URLSearchParams();
  const keep = view === from.info.view ? [...COMMON, ...info.params] : COMMON;
  for (const k of keep) {
    const v = from.q.get(k);
    if (v !== null && v !== '') q.set(k, v);
  }
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return `${info.path}${s === '' ? '' : `?${s}`}`;
}

let onChange: () => void = () => undefined;

export function listen(f: () => void): void {
  onChange = f;
  window.addEventListener('popstate', () => onChange());
}

export function navigate(url: string): void {
  if (url === `${location.pathname}${location.search}`) return;
  history.pushState(null, '', url);
  onChange();
}

/** Changes the current view's parameters. */
export function update(changes: Changes): void {
  navigate(href(current().info.view, changes));
}
