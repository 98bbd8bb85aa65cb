// The API's endpoints: each reads its parameters (params.ts), asks the dashboard (app) one
// question, and answers JSON; /api/flows.csv answers the flows explorer's question as CSV.
// Limits on rows live here, next to the parameters they bound.

import type { Dashboard } from '../app/index.js';
import type { Endpoint } from './api.js';
import { bad, readParams } from './params.js';

export interface Answer {
  readonly type: 'json' | 'csv';
  readonly body: unknown;
  readonly filename?: string;
}

type Handler = (d: Dashboard, q: URLSearchParams) => Promise<Answer>;

const json = async (body: Promise<unknown>): Promise<Answer> => ({ type: 'json', body: await body });

export const LIMITS = Object.freeze({
  series: 20,
  topTables: 4,
  sankeyValues: 30,
  flowsPage: 1000,
  flowsOffset: 1_000_000,
  csvRows: 100_000,
});

const flowsRequest = (d: Dashboard, q: URLSearchParams, dfltLimit: number, maxLimit: number) => {
  const p = readParams(q, ['columns', 'limit', 'offset']);
  return {
    ...p.view(),
    columns: p.list(
      'columns',
      d.meta().defaultColumns,
      d.meta().columns.map((c) => c.name),
    ),
    limit: p.int('limit', dfltLimit, 1, maxLimit),
    offset: p.int('offset', 0, 0, LIMITS.flowsOffset),
  };
};

const ROUTES: Readonly<Record<Endpoint | '/api/flows.csv', Handler>> = {
  '/api/meta': async (d, q) => {
    readParams(q, []);
    return { type: 'json', body: d.meta() };
  },
  '/api/overview': (d, q) => {
    const p = readParams(q, ['dimension', 'by', 'limit', 'top']);
    const m = d.meta();
    const dimension = p.oneOf('dimension', m.dimensions, 'action');
    const top = p.list('top', m.overviewTop, m.dimensions);
    if (top.length > LIMITS.topTables) throw bad('top', top.join(','), `at most ${LIMITS.topTables} tables`);
    const limit = p.int('limit', 8, 1, LIMITS.series);
    return json(d.overview({ ...p.view(), dimension, by: p.metric(), limit, top }));
  },
  '/api/sankey': (d, q) => {
    const p = readParams(q, ['dimensions', 'by', 'limit']);
    const dflt =
      d.meta().policy === null ? ['src', 'dst', 'service'] : ['src_segment', 'dst_segment', 'service'];
    const dimensions = p.list('dimensions', dflt, d.meta().dimensions);
    return json(
      d.sankey({
        ...p.view(),
        dimensions,
        by: p.metric(),
        limit: p.int('limit', 10, 2, LIMITS.sankeyValues),
      }),
    );
  },
  '/api/matrix': (d, q) => {
    const p = readParams(q, ['by', 'level']);
    const level = p.oneOf('level', ['top', 'segment'], 'top');
    return json(d.matrix({ ...p.view(), by: p.oneOf('by', ['bytes', 'flows'], 'bytes'), level }));
  },
  '/api/findings': (d, q) => json(d.findings(readParams(q, []).view())),
  '/api/flows': (d, q) => json(d.flows(flowsRequest(d, q, 50, LIMITS.flowsPage))),
  '/api/flows.csv': async (d, q) => ({
    type: 'csv',
    body: await d.flows(flowsRequest(d, q, 10_000, LIMITS.csvRows)),
    filename: 'flows.csv',
  }),
};

export function route(path: string): Handler | undefined {
  return Object.hasOwn(ROUTES, path) ? ROUTES[path as keyof typeof ROUTES] : undefined;
}

export const ENDPOINTS: readonly string[] = Object.keys(ROUTES);
