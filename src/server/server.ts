// The dashboard's HTTP server (node:http): the JSON API under /api/ and the built web client
// elsewhere. GET and HEAD only, no request bodies, bounded URLs and headers, a token off
// loopback (auth.ts). A user error answers 4xx (or 503 when busy) as {code, message, hint, at};
// anything else is a bug: 500 with no detail, the stack to `log`.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dashboard, Flows } from '../app/index.js';
import { errorBody, isUserError, UserError } from '../errors.js';
import { authorize, COOKIE } from './auth.js';
import { toCsv } from './csv.js';
import { route } from './routes.js';
import { type StaticFile, WEB_ROOT, webFiles } from './static.js';

export interface ServerOptions {
  readonly dashboard: Dashboard;
  readonly host: string;
  /** 0 picks a free port */
  readonly port: number;
  /** required by every request when set (and it must be set off loopback) */
  readonly token?: string;
  /** the built web client; default dist/web of this package */
  readonly webRoot?: string;
  /** where a bug's stack goes */
  readonly log?: (line: string) => void;
}

const MAX_URL = 8192;

const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const STATUS: Readonly<Record<string, number>> = {
  'api.not-found': 404,
  'api.method': 405,
  'api.body': 413,
  'api.url-too-long': 414,
  'auth.token': 401,
  'auth.bad-host': 403,
  'server.busy': 503,
  'query.timeout': 503,
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { ...HEADERS, 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendError(res: ServerResponse, e: unknown, log: (s: string) => void): void {
  if (isUserError(e)) {
    send(res, STATUS[e.code] ?? 400, 'application/json', JSON.stringify(errorBody(e)));
    return;
  }
  log(`internal error (a bug in flowsight): ${(e as Error).stack ?? String(e)}`);
  send(
    res,
    500,
    'application/json',
    JSON.stringify({
      code: 'internal',
      message: 'internal error (a bug in flowsight; the server log has the detail)',
    }),
  );
}

function sendFile(req: IncomingMessage, res: ServerResponse, f: StaticFile): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  send(res, 200, f.type, gzip ? f.gzip : f.body, {
    'cache-control': f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
  });
}

function checkRequest(req: IncomingMessage): URL {
  const raw = req.url ?? '/';
  if (raw.length > MAX_URL)
    throw new UserError('api.url-too-long', `the URL is ${raw.length} characters long`, {
      hint: `keep it under ${MAX_URL}`,
    });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new UserError('api.method', `${req.method} is not answered`, {
      hint: 'the dashboard API is read-only: use GET',
    });
  }
  if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined) {
    throw new UserError('api.body', 'requests carry no body here', {
      hint: 'send the question as query parameters',
    });
  }
  return new URL(raw, 'http://localhost');
}

export class DashboardServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(opts: ServerOptions): Promise<DashboardServer> {
    const files = webFiles(opts.webRoot ?? WEB_ROOT);
    const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
    const server = createServer(
      { maxHeaderSize: 16_384, requestTimeout: 60_000, headersTimeout: 10_000 },
      (req, res) => {
        handle(req, res, opts, files).catch((e: unknown) => sendError(res, e, log));
      },
    );
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(opts.port, opts.host, () => ok());
    });
    const { port } = server.address() as AddressInfo;
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    return new DashboardServer(server, `http://${host}:${port}/`);
  }

  close(): Promise<void> {
    return new Promise((ok) => {
      this.server.close(() => ok());
      this.server.closeAllConnections();
    });
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: ServerOptions,
  files: ReturnType<typeof webFiles>,
): Promise<void> {
  const url = checkRequest(req);
  authorize(req, url, opts.token);
  if (url.pathname.startsWith('/api/')) {
    const handler = route(url.pathname);
    if (handler === undefined) {
      throw new UserError('api.not-found', `no endpoint ${url.pathname}`, {
        hint: 'see src/server/README.md for the endpoints',
      });
    }
    const a = await handler(opts.dashboard, url.searchParams);
    if (a.type === 'csv') {
      send(res, 200, 'text/csv; charset=utf-8', toCsv(a.body as Flows), {
        'content-disposition': `attachment; filename="${a.filename}"`,
      });
    } else send(res, 200, 'application/json', JSON.stringify(a.body));
    return;
  }
  if (opts.token !== undefined && url.searchParams.has('token')) {
    // the printed link: keep the token in a cookie and take it out of the address bar
    url.searchParams.delete('token');
    const cookie = `${COOKIE}=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`;
    send(res, 303, 'text/plain', '', { location: `${url.pathname}${url.search}`, 'set-cookie': cookie });
    return;
  }
  const f = files(url.pathname);
  if (f !== undefined) sendFile(req, res, f);
  else if (/\.[a-z0-9]+$/i.test(url.pathname)) send(res, 404, 'text/plain; charset=utf-8', 'not found');
  else
    send(
      res,
      503,
      'text/plain; charset=utf-8',
      'the dashboard is not built: run npm run build (the API under /api/ works)',
    );
}
