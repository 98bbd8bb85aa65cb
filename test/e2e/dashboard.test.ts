// The dashboard end to end, as a user meets it: the real binary serves the run's demo store,
// Debian's Chromium (driven by playwright-core, which never downloads a browser) opens each
// view. Screenshots of every view go to test-artifacts/dashboard/.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Truth } from '../../src/demo/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-artifacts', 'dashboard');
const POLICY = join(ROOT, 'examples/platform/policy.yaml');
const CHROMIUM = process.env.FLOWSIGHT_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

let server: ChildProcess;
let exited: Promise<number | null>;
let base: string;
let profile: string;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

/** Starts `flowsight serve` on a free port and resolves with the URL it prints. */
function serve(args: readonly string[]): Promise<string> {
  server = spawn(process.execPath, [join(ROOT, 'bin/flowsight.js'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((ok) => server.on('exit', (code) => ok(code)));
  let out = '';
  let err = '';
  server.stderr?.on('data', (d) => (err += d));
  return new Promise((ok, fail) => {
    server.stdout?.on('data', (d) => {
      out += d;
      const m = /flowsight dashboard: (http:\/\/\S+)/.exec(out);
      if (m !== null) ok(m[1] as string);
    });
    server.on('exit', (code) => fail(new Error(`flowsight serve exited with ${code}: ${err}`)));
  });
}

async function open(path: string, shot?: string): Promise<void> {
  await page.goto(new URL(path, base).href);
  await page.waitForSelector('main[data-ready]');
  if (shot !== undefined) {
    await page.waitForTimeout(300); // one frame for the canvas
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  }
}

const attr = async (selector: string, name: string): Promise<number> =>
  Number(await page.locator(selector).getAttribute(name));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  base = await serve(['--db', inject('demoDb'), '--policy', POLICY, '--port', '0']);
  profile = mkdtempSync(join(tmpdir(), 'flowsight-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
});

describe('the dashboard in Chromium', () => {
  it('Overview: totals, traffic over time stacked by action, top-N tables with Other', async () => {
    await open('/', 'overview');
    expect(await page.locator('main').getAttribute('data-ready')).toBe('true');
    expect(await attr('[data-testid=time-series]', 'data-series')).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid=time-series] canvas').count()).toBe(1);
    expect(await page.locator('[data-testid=totals]').textContent()).toMatch(/flows\s*[\d.]+/i);
    expect(await page.locator('[data-testid=top-dstport] tr').first().textContent()).toMatch(
      /https|oracle|nfs|dns|\d+/,
    );
    expect(await page.locator('[data-testid=top-src_segment] tr.other').textContent()).toMatch(/Other/);
  });

  it('Sankey: paths from source to destination to port, with nodes and links', async () => {
    await open('/sankey?dimensions=src,dst,dstport', 'sankey');
    expect(await attr('[data-testid=sankey]', 'data-nodes')).toBeGreaterThan(10);
    expect(await attr('[data-testid=sankey]', 'data-links')).toBeGreaterThan(10);
    expect(await page.locator('[data-testid=sankey] canvas').count()).toBe(1);
  });

  it('Segment matrix: cells between segments, the planted east-west violation in red', async () => {
    await open('/matrix', 'matrix');
    expect(await attr('[data-testid=matrix]', 'data-cells')).toBeGreaterThan(20);
    expect(await page.locator('[data-testid=matrix] canvas').count()).toBeGreaterThanOrEqual(1);
    const flagged = await page.locator('[data-testid=flagged] tbody tr').allTextContents();
    expect(flagged.some((r) => /^laa-production.*hmpps-production.*violation/.test(r))).toBe(true);
    await open('/matrix?level=segment', 'matrix-segments');
    expect(await attr('[data-testid=matrix]', 'data-cells')).toBeGreaterThan(20);
  });

  it("Findings: every planted violation the generator's truth.json lists, with evidence and a way to its flows", async () => {
    const truth = JSON.parse(readFileSync(join(inject('demoDir'), 'truth.json'), 'utf8')) as Truth;
    await open('/findings', 'findings');
    const kinds = await page
      .locator('[data-testid=finding]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    const wanted = new Set(truth.violations.map((v) => (v.kind === 'missing' ? 'health' : v.kind)));
    for (const k of wanted) expect(kinds, k).toContain(k);
    const violation = page.locator('[data-testid=finding][data-kind=violation]').first();
    expect(await violation.textContent()).toMatch(
      /laa-production\/private → hmpps-production\/data tcp\/1521/,
    );
    expect(await violation.locator('table.evidence tbody tr').count()).toBeGreaterThan(0);
    await violation.getByText('Explore these flows').click();
    await page.waitForURL(/\/flows\?.*since=/);
    await page.waitForSelector('main[data-ready=true]');
    expect(await page.locator('[data-testid=flows-table] tbody tr').count()).toBeGreaterThan(0);
    // requests to the Oracle port and their replies from it, nothing else
    const ports = await page
      .locator('[data-testid=flows-table] tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [r.children[5]?.textContent, r.children[8]?.textContent].join(' ')),
      );
    expect(ports.every((p) => p.includes('1521'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'flows-from-finding.png'), fullPage: true });
  });

  it('Flows: a page of flows, the next page, a column chooser and a CSV download of the same question', async () => {
    await open('/flows?filter=dst%20port%20443', 'flows');
    expect(await page.locator('[data-testid=flows-table] tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'next →' }).first().click();
    await page.waitForURL(/offset=50/);
    await page.waitForSelector('main[data-ready=true]');
    expect(await page.locator('[data-testid=flows-page]').first().textContent()).toBe('flows 51–100');
    const csv = await page.locator('[data-testid=csv]').getAttribute('href');
    expect(csv).toContain('/api/flows.csv?filter=dst+port+443');
    const res = await page.request.get(new URL(csv as string, base).href);
    expect((await res.text()).split('\r\n')[0]).toBe(
      'start,kind,interface_id,srcaddr,src_segment,srcport,dstaddr,dst_segment,dstport,protocol,packets,bytes,action,tcp_flags,log_status',
    );
  });

  it('a filter typed in the bar goes into the URL, and the URL brings it back', async () => {
    await open('/');
    await page.locator('[data-testid=filter-input]').fill('dst port 443');
    await page.locator('[data-testid=filter-input]').press('Enter');
    await page.waitForURL(/filter=dst\+port\+443/);
    await page.waitForSelector('main[data-ready=true]');
    await page.reload();
    await page.waitForSelector('main[data-ready=true]');
    expect(await page.locator('[data-testid=filter-input]').inputValue()).toBe('dst port 443');
    const ports = await page.locator('[data-testid=top-dstport] tbody tr').allInnerTexts();
    expect(ports).toHaveLength(1);
    expect(ports[0]).toMatch(/^443 https/);
    await page.screenshot({ path: join(SHOTS, 'overview-filtered.png'), fullPage: true });
  });

  it('a bad filter shows its error, with the wrong token marked at its column', async () => {
    await open('/');
    await page.locator('[data-testid=filter-input]').fill('src prot tcp');
    await page.locator('[data-testid=filter-input]').press('Enter');
    await page.waitForSelector('[data-testid=filter-error]');
    expect(await page.locator('[data-testid=filter-mark] mark').textContent()).toBe('prot');
    expect(await attr('[data-testid=filter-mark]', 'data-column')).toBe(5);
    expect(await page.locator('[data-testid=filter-error]').textContent()).toMatch(
      /expected host, net, port or addr/,
    );
    expect(page.url()).toContain('filter=src+prot+tcp');
    await page.screenshot({ path: join(SHOTS, 'bad-filter.png'), fullPage: true });
  });

  it('raised no script errors on any page', () => {
    expect(pageErrors).toEqual([]);
  });

  it('the server stops cleanly on SIGTERM', async () => {
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
