// Query parameters -> the app's typed requests. Every parameter is checked here: unknown names,
// numbers out of bounds, an unknown metric or range are `api.bad-param` errors naming the
// parameter and the value, with a hint; the filter's own errors come from the app.

import type { DashboardMetric, RangeRequest, ViewRequest } from '../app/index.js';
import { UserError } from '../errors.js';

/** The longest filter text accepted (a filter is typed by a person). */
export const MAX_FILTER = 2000;
const RANGES = ['1h', '24h', '7d'] as const;
const VIEW_PARAMS = ['range', 'since', 'until', 'filter'] as const;

export interface Params {
  text(name: string): string | undefined;
  int(name: string, dflt: number, min: number, max: number): number;
  oneOf<T extends string>(name: string, choices: readonly T[], dflt: T): T;
  /** a comma-separated list, each item one of `choices` */
  list(name: string, dflt: readonly string[], choices: readonly string[]): readonly string[];
  metric(dflt?: DashboardMetric): DashboardMetric;
  view(): ViewRequest;
}

/** Reads a request's parameters; a name outside the view's and `allowed` is refused. */
export function readParams(q: URLSearchParams, allowed: readonly string[]): Params {
  const known = new Set<string>([...VIEW_PARAMS, ...allowed, 'token']);
  for (const name of new Set(q.keys())) {
    if (!known.has(name))
      throw bad(name, q.get(name) ?? '', `this endpoint takes: ${[...VIEW_PARAMS, ...allowed].join(', ')}`);
  }
  const text = (name: string): string | undefined => {
    const all = q.getAll(name);
    if (all.length > 1) throw bad(name, all.join(','), `give ${name} once`);
    return all[0];
  };
  const oneOf = <T extends string>(name: string, choices: readonly T[], dflt: T): T => {
    const t = text(name);
    if (t === undefined || t === '') return dflt;
    if (!(choices as readonly string[]).includes(t)) throw bad(name, t, `use one of: ${choices.join(', ')}`);
    return t as T;
  };
  return {
    text,
    oneOf,
    int(name, dflt, min, max) {
      const t = text(name);
      if (t === undefined || t === '') return dflt;
      if (!/^\d{1,9}$/.test(t) || Number(t) < min || Number(t) > max)
        throw bad(name, t, `a whole number from ${min} to ${max}`);
      return Number(t);
    },
    list(name, dflt, choices) {
      const t = text(name);
      if (t === undefined || t.trim() === '') return dflt;
      const items = t
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const wrong = items.find((s) => !choices.includes(s));
      if (wrong !== undefined) throw bad(name, wrong, `use one or more of: ${choices.join(', ')}`);
      return items;
    },
    metric: (dflt = 'bytes') => oneOf('by', ['bytes', 'packets', 'flows'], dflt),
    view() {
      const filter = text('filter');
      if (filter !== undefined && filter.length > MAX_FILTER) {
        throw bad('filter', filter, `a filter is at most ${MAX_FILTER} characters`);
      }
      return { range: range(text, oneOf), ...(filter === undefined ? {} : { filter }) };
    },
  };
}

function range(text: Params['text'], oneOf: Params['oneOf']): RangeRequest {
  const since = text('since');
  const until = text('until');
  if (since === undefined && until === undefined) return { last: oneOf('range', RANGES, '24h') };
  if (since === undefined || until === undefined) {
    const missing = since === undefined ? 'since' : 'until';
    throw bad(missing, '', `give both since and until (${missing} is missing), or range`);
  }
  return { since: time('since', since), until: time('until', until) };
}

function time(name: string, t: string): number {
  if (/^\d{1,10}$/.test(t)) return Number(t);
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(t)
    ? Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t)
    : Number.NaN;
  if (Number.isNaN(ms)) throw bad(name, t, 'epoch seconds or ISO-8601 UTC, e.g. 2026-11-02T10:00:00Z');
  return Math.floor(ms / 1000);
}

export function bad(name: string, value: string, hint: string): UserError {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return new UserError('api.bad-param', `parameter ${name} '${shown}' is not accepted`, { at: name, hint });
}
