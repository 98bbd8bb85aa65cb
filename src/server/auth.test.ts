// Who may ask: loopback names, and a server with a token (header, cookie from the printed link).

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Dashboard, openDashboard } from '../app/index.js';
import { DashboardServer, isLoopback } from './index.js';

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['example.com', false],
    ['127.0.0.1.nip.io', false],
  ])('%s -> %s', (host, want) => {
    expect(isLoopback(host)).toBe(want);
  });
});

describe('a server with a token', () => {
  const token = 'test-token-0123456789abcdef';
  let dashboard: Dashboard;
  let server: DashboardServer;
  beforeAll(async () => {
    dashboard = await openDashboard({ db: inject('demoDb') });
    server = await DashboardServer.start({ dashboard, host: '127.0.0.1', port: 0, token });
  });
  afterAll(async () => {
    await server.close();
    await dashboard.close();
  });

  it('refuses a request without the token, or with another, as 401 with a hint', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { cookie: 'flowsight_token=nope' },
    ];
    for (const headers of cases) {
      const res = await fetch(`${server.url}api/meta`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'auth.token', hint: expect.stringMatching(/token/) });
    }
    expect((await fetch(server.url)).status).toBe(401);
  });

  it('answers with the token as a bearer header', async () => {
    const res = await fetch(`${server.url}api/meta`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it('turns the printed link into a cookie and takes the token out of the address', async () => {
    const res = await fetch(`${server.url}sankey?range=1h&token=${token}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sankey?range=1h');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const again = await fetch(`${server.url}api/meta`, {
      headers: { cookie: cookie.split(';')[0] as string },
    });
    expect(again.status).toBe(200);
  });
});

describe('query limits', () => {
  it('a query past its time limit is interrupted and answers 503 query.timeout', async () => {
    const dashboard = await openDashboard({ db: inject('demoDb'), limits: { timeoutMs: 1, maxQueued: 4 } });
    const server = await DashboardServer.start({ dashboard, host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${server.url}api/sankey?dimensions=src,dst,srcport,dstport&limit=30`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        code: 'query.timeout',
        hint: expect.stringMatching(/shorter time range/),
      });
    } finally {
      await server.close();
      await dashboard.close();
    }
  });
});
