// flowsight serve: the dashboard (traffic over time, sankey, segment matrix, findings, flows) and
// its JSON API, over one store, until Ctrl-C. `flowsight demo` ends the same way.

import { Command } from 'commander';
import { openDashboard } from '../../app/index.js';
import { UserError } from '../../errors.js';
import { DashboardServer, isLoopback, newToken } from '../../server/index.js';
import type { Io } from '../io.js';
import { count } from '../output.js';
import { dbOption, parseCount } from './common.js';

export interface ServeOptions {
  readonly db: string;
  readonly policy?: string;
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  /** when the port is taken, take any free one (the demo) */
  readonly anyPort?: boolean;
}

function stopped(): Promise<void> {
  return new Promise((ok) => {
    process.once('SIGINT', () => ok());
    process.once('SIGTERM', () => ok());
  });
}

async function listen(
  o: ServeOptions,
  dashboard: Awaited<ReturnType<typeof openDashboard>>,
  token: string | undefined,
) {
  try {
    const start = (port: number) =>
      DashboardServer.start({ dashboard, host: o.host, port, ...(token === undefined ? {} : { token }) });
    return await start(o.port).catch((e: NodeJS.ErrnoException) => {
      if (o.anyPort === true && e.code === 'EADDRINUSE') return start(0);
      throw e;
    });
  } catch (e) {
    await dashboard.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw e;
    throw new UserError(
      'serve.cannot-listen',
      `cannot serve on ${o.host}:${o.port}: ${(e as Error).message}`,
      {
        at: '--port',
        hint:
          code === 'EADDRINUSE'
            ? 'another program uses this port: choose another with --port (0 picks a free one)'
            : 'check --host and --port',
      },
    );
  }
}

/** Serves the dashboard until the process is told to stop; prints the address once. */
export async function serveDashboard(
  io: Io,
  o: ServeOptions,
  until: Promise<void> = stopped(),
): Promise<void> {
  const token = o.token ?? (isLoopback(o.host) ? undefined : newToken());
  const dashboard = await openDashboard({
    db: o.db,
    now: io.now,
    ...(o.policy === undefined ? {} : { policy: o.policy }),
  });
  const server = await listen(o, dashboard, token);
  const m = dashboard.meta();
  const link = token === undefined ? server.url : `${server.url}?token=${encodeURIComponent(token)}`;
  const span =
    m.first === null || m.last === null
      ? 'empty'
      : `${new Date(m.first * 1000).toISOString()} to ${new Date(m.last * 1000).toISOString()}`;
  io.stdout.write(`flowsight dashboard: ${link}\n`);
  io.stderr.write(
    `store ${o.db}: ${count(m.records)} records, ${span}; policy: ${m.policy?.file ?? 'none (segment views and findings need --policy)'}\n` +
      (o.token === undefined && token !== undefined
        ? `token (shown once; it is in the link): ${token}\n`
        : '') +
      'press Ctrl-C to stop\n',
  );
  await until;
  await server.close();
  await dashboard.close();
}

export function serveCommand(io: Io): Command {
  return dbOption(new Command('serve'))
    .description(
      'serve the dashboard: traffic over time, sankey, segment matrix, findings and a flows explorer',
    )
    .option('--policy <file>', 'a policy file: adds segments, the segment matrix and findings')
    .option('--port <n>', 'the port (0 picks a free one)', '8080')
    .option('--host <address>', 'the address to bind; off loopback a token is required', '127.0.0.1')
    .option('--token <token>', 'require this token (one is generated when --host is not loopback)')
    .addHelpText(
      'after',
      '\nExample:\n  flowsight serve --db net.duckdb --policy policy.yaml\n  flowsight serve --host 0.0.0.0 --port 9000   # prints a link with a generated token',
    )
    .action(async (opts: { db: string; policy?: string; port: string; host: string; token?: string }) => {
      if (opts.token !== undefined && opts.token.length < 16) {
        throw new UserError('cli.bad-token', 'the --token is shorter than 16 characters', {
          at: '--token',
          hint: 'use a long random token, or leave --token out to have one generated',
        });
      }
      await serveDashboard(io, {
        db: opts.db,
        host: opts.host,
        port: parseCount(opts.port, '--port', 0, 65535),
        ...(opts.policy === undefined ? {} : { policy: opts.policy }),
        ...(opts.token === undefined ? {} : { token: opts.token }),
      });
    });
}
