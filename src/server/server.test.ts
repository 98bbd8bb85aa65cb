// The HTTP API in-process, on a random port over the run's demo store: every endpoint answers
// with data that adds up, bad input is a 4xx {code, message, hint}, and the limits hold.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Dashboard, openDashboard, storeTotals } from '../app/index.js';
import { type Api, DashboardServer } from './index.js';

let dashboard: Dashboard;
let server: DashboardServer;
const db = inject('demoDb');

beforeAll(async () => {
  dashboard = await openDashboard({ db });
  server = await DashboardServer.start({ dashboard, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
  await dashboard.close();
});

async function api<E extends keyof Api>(path: E, query = ''): Promise<Api[E]['response']> {
  const res = await fetch(`${server.url}${path.slice(1)}${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return (await res.json()) as Api[E]['response'];
}

async function fail(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${server.url}${path.slice(1)}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A raw request, for what fetch will not send (a Host header, a body on GET, odd paths). */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const { port } = new URL(server.url);
  return new Promise<{ status: number; body: string }>((ok, bad) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', bad);
    req.end(opts.body);
  });
}

describe('the dashboard API', () => {
  it('/api/meta describes the store: its span, records, dimensions and columns', async () => {
    const m = await api('/api/meta');
    const totals = await storeTotals(db);
    expect(m.records).toBe(totals.records);
    expect(m.first).toBeLessThan(m.last as number);
    expect(m.dimensions).toContain('dstport');
    expect(m.defaultColumns).toContain('srcaddr');
    expect(m.labels.services['443']).toBe('https');
  });

  it('/api/overview: totals equal the store, each bucket of the series adds up to them, top tables end with Other', async () => {
    const o = await api('/api/overview', '?by=flows&limit=2&dimension=dstport');
    const totals = await storeTotals(db);
    expect(o.totals.flows).toBe(totals.flows);
    expect(o.buckets).toHaveLength(24 * 12);
    const sum = o.series.flatMap((s) => s.values).reduce((a, b) => a + b, 0);
    expect(sum).toBe(totals.flows);
    expect(o.series.map((s) => s.other)).toEqual([false, false, true]);
    expect(o.series[0]?.name).toBe('443 https');
    const src = o.top.find((t) => t.dimension === 'src');
    expect(src?.rows.at(-1)).toMatchObject({ label: 'Other', other: true });
    expect(src?.rows[0]?.filter).toMatch(/^src host 10\./);
  });

  it('/api/overview answers the top-N tables asked for, up to four', async () => {
    const o = await api('/api/overview', '?top=protocol,action');
    expect(o.top.map((t) => t.dimension)).toEqual(['protocol', 'action']);
    expect(o.top[0]?.rows.map((r) => r.label)).toContain('tcp');
    const r = await fail('/api/overview?top=src,dst,srcport,dstport,protocol');
    expect(r).toEqual({ status: 400, body: expect.objectContaining({ code: 'api.bad-param', at: 'top' }) });
  });

  it('/api/overview with a filter counts only the matching flows', async () => {
    const all = await api('/api/overview', '?by=flows');
    const rejected = await api('/api/overview', `?by=flows&filter=${encodeURIComponent('action reject')}`);
    expect(rejected.totals.flows).toBe(all.totals.rejected);
    expect(rejected.totals.accepted).toBe(0);
  });

  it("/api/sankey: nodes per column, and each column's links carry the whole total", async () => {
    const s = await api('/api/sankey', '?dimensions=src,dstport,action&by=bytes&limit=5');
    expect(s.dimensions).toEqual(['src', 'dstport', 'action']);
    expect(s.nodes.filter((n) => n.column === 0).length).toBe(6); // top 5 + Other
    expect(s.nodes.find((n) => n.id === '1:443 https')).toBeDefined();
    for (const column of [0, 1]) {
      const out = s.links.filter((l) => s.nodes.find((n) => n.id === l.source)?.column === column);
      expect(out.reduce((a, l) => a + l.value, 0)).toBe(s.total);
    }
  });

  it('/api/flows pages through flows, and /api/flows.csv answers the same question as CSV', async () => {
    const first = await api('/api/flows', '?limit=5&columns=start,srcaddr,dstport,bytes');
    const second = await api('/api/flows', '?limit=5&offset=5&columns=start,srcaddr,dstport,bytes');
    const both = await api('/api/flows', '?limit=10&columns=start,srcaddr,dstport,bytes');
    expect(first.columns).toEqual(['start', 'srcaddr', 'dstport', 'bytes']);
    expect([...first.rows, ...second.rows]).toEqual(both.rows);
    expect(first.more).toBe(true);
    const res = await fetch(`${server.url}api/flows.csv?limit=10&columns=start,srcaddr,dstport,bytes`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('start,srcaddr,dstport,bytes');
    expect(lines.slice(1)).toEqual(
      both.rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(',')),
    );
  });

  it('an explicit range in ISO-8601 or epoch seconds answers for exactly that range', async () => {
    const m = await api('/api/meta');
    const since = (m.first as number) + 3600;
    const iso = new Date(since * 1000).toISOString().replace('.000Z', 'Z');
    const a = await api('/api/overview', `?since=${iso}&until=${since + 3600}&by=flows`);
    expect(a.range).toMatchObject({ since, until: since + 3600, step: 60 });
    expect(a.totals.flows).toBeGreaterThan(0);
    expect(a.totals.flows).toBeLessThan((await api('/api/overview', '?by=flows')).totals.flows);
  });
});

describe('the dashboard API refuses what it cannot answer', () => {
  it('a bad filter is a 400 with its position', async () => {
    const r = await fail(`/api/overview?filter=${encodeURIComponent('src prot tcp')}`);
    expect(r).toEqual({
      status: 400,
      body: expect.objectContaining({
        code: 'filter.invalid',
        at: 'filter:1:5',
        hint: expect.stringMatching(/host, net/),
      }),
    });
  });

  it.each([
    ['/api/overview?dimension=nope', 'dimension'],
    ['/api/overview?by=octets', 'by'],
    ['/api/overview?range=2h', 'range'],
    ['/api/overview?limit=500', 'limit'],
    ['/api/sankey?dimensions=src,nope', 'dimensions'],
    ['/api/flows?columns=start,nope', 'columns'],
    ['/api/flows?limit=100000', 'limit'],
    ['/api/flows?offset=-1', 'offset'],
    ['/api/overview?since=1793577600', 'until'],
    ['/api/overview?since=yesterday&until=1793577600', 'since'],
    ['/api/overview?sql=select%201', 'sql'],
    ['/api/overview?by=flows&by=bytes', 'by'],
  ])('%s is a 400 naming the parameter %s, with a hint', async (path, at) => {
    const r = await fail(path);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'api.bad-param', at });
    expect(r.body.hint?.length).toBeGreaterThan(5);
  });

  it('a range that is not one is a 400', async () => {
    expect((await fail('/api/overview?since=1793577600&until=1793577000')).body.code).toBe('range.invalid');
  });

  it('a filter longer than 2000 characters is refused before it is parsed', async () => {
    const r = await fail(`/api/flows?filter=${'port 1 or '.repeat(250)}port 2`);
    expect(r.body).toMatchObject({ code: 'api.bad-param', at: 'filter' });
  });

  it('the matrix and findings need a policy, and say how to load one', async () => {
    for (const p of ['/api/matrix', '/api/findings']) {
      expect(await fail(p)).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'policy.missing', hint: expect.stringMatching(/--policy/) }),
      });
    }
  });

  it.each([
    ['an unknown endpoint', '/api/drop-tables', {}, 404, 'api.not-found'],
    ['a POST', '/api/meta', { method: 'POST' }, 405, 'api.method'],
    ['a GET with a body', '/api/meta', { headers: { 'content-length': '4' }, body: 'abcd' }, 413, 'api.body'],
    ['a URL over 8 KiB', `/api/flows?filter=${'x'.repeat(9000)}`, {}, 414, 'api.url-too-long'],
    [
      'a foreign Host (DNS rebinding)',
      '/api/meta',
      { headers: { host: 'evil.example:8080' } },
      403,
      'auth.bad-host',
    ],
  ])('%s is refused', async (_, path, opts, status, code) => {
    const r = await raw(path, opts);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body)).toMatchObject({ code });
  });
});

describe('the web client', () => {
  it("is served for each view's path, with a strict content security policy", async () => {
    for (const p of ['', 'sankey', 'flows?filter=port%20443']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<div id="app">/);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    }
  });

  it('serves its hashed assets for good, gzipped when asked, and nothing outside dist/web', async () => {
    const html = await (await fetch(server.url)).text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    const res = await fetch(`${server.url}${js.slice(1)}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    for (const p of [
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%5c..%5cpackage.json',
    ]) {
      expect((await raw(p)).status).toBe(404);
    }
  });
});
