// flowsight serve: the dashboard (traffic over time, sankey, segment matrix, findings, flows) and
// its JSON API, over one store, until Ctrl-C. `flowsight demo` ends the same way.

import { Command } from 'commander';
import {
  type Dashboard,
  type IngestLoop,
  ingestEvery,
  type LiveIngest,
  openDashboard,
  openLiveStore,
  SETTLE_SECONDS,
} from '../../app/index.js';
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
  /** load these inputs into the store now and at an interval, while serving it */
  readonly ingest?: LiveIngest;
}

const INTERVAL_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** Seconds for `--every` ('90', '30s', '5m', '1h'), at least 10. */
export function parseInterval(text: string, flag: string): number {
  const m = /^(\d+)([smh]?)$/.exec(text.trim());
  const seconds = m === null ? Number.NaN : Number(m[1]) * (INTERVAL_UNITS[m[2] || 's'] as number);
  if (!(seconds >= 10)) {
    throw new UserError('cli.bad-interval', `${flag} '${text}' is not an interval of 10 seconds or more`, {
      at: flag,
      hint: `e.g. ${flag} 5m (or 300, 30s, 1h)`,
    });
  }
  return seconds;
}

/** What a load while serving did: what it stored, skipped, could not read, and left for later. */
function ingestLine(r: Parameters<Parameters<typeof ingestEvery>[3]['ran']>[0], now: Date): string {
  const at = now.toISOString().slice(0, 19).replace('T', ' ');
  if ('error' in r) {
    const hint = r.error instanceof UserError && r.error.hint !== undefined ? ` (${r.error.hint})` : '';
    return `${at} ingest failed: ${r.error.message}${hint}; trying again at the next interval\n`;
  }
  const { pick, report: x } = r.run;
  const lines: string[] = [];
  if (x !== undefined) {
    const dup = x.skippedFiles > 0 ? `, ${count(x.skippedFiles)} already stored` : '';
    lines.push(`${at} ingest: ${count(x.flows)} flows from ${count(x.files)} files${dup}`);
    for (const f of x.failed)
      lines.push(`  cannot read ${f.path}: ${f.error.message} (read again once it changes)`);
  }
  if (pick.waiting.length > 0) {
    const one = pick.waiting.length === 1;
    const who = one ? `${pick.waiting[0]} is` : `${count(pick.waiting.length)} files are`;
    lines.push(
      `${at} ingest: ${who} still being written: read once ${one ? 'it has' : 'they have'} gone ${SETTLE_SECONDS} s unmodified`,
    );
  }
  for (const f of pick.changed) {
    lines.push(
      `${at} ingest: ${f} changed after it was stored; not read again, which would store its earlier flows twice (write new flow logs to new files, as AWS does)`,
    );
  }
  return lines.map((l) => `${l}\n`).join('');
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
  const store: Awaited<ReturnType<typeof openLiveStore>> | undefined =
    o.ingest === undefined ? undefined : await openLiveStore(o.db);
  let dashboard: Dashboard;
  try {
    dashboard = await openDashboard({
      db: o.db,
      now: io.now,
      ...(store === undefined ? {} : { store }),
      ...(o.policy === undefined ? {} : { policy: o.policy }),
    });
  } catch (e) {
    await store?.close();
    throw e;
  }
  const server = await listen(o, dashboard, token).catch(async (e: unknown) => {
    await store?.close();
    throw e;
  });
  const loop: IngestLoop | undefined =
    store === undefined || o.ingest === undefined
      ? undefined
      : ingestEvery(o.db, store, o.ingest, {
          ran: (r) => io.stderr.write(ingestLine(r, io.now())),
          stored: () => dashboard.refresh(),
        });
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
      (o.ingest === undefined
        ? ''
        : `loading ${o.ingest.inputs.join(' ')} now and every ${o.ingest.everySeconds} s after a load ends\n`) +
      'press Ctrl-C to stop\n',
  );
  await until;
  await loop?.stop();
  await server.close();
  await dashboard.close();
  await store?.close();
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
    .option(
      '--ingest <paths...>',
      'while serving, load these flow logs (as flowsight ingest does) now and again after each --every; each file once, after 30 s unmodified',
    )
    .option('--every <interval>', 'time between loads with --ingest: 30s, 5m, 1h (default: 5m)')
    .option('--format <fields>', 'with --ingest: the flow log format of input without a header line')
    .addHelpText(
      'after',
      '\nExamples:\n  flowsight serve --db net.duckdb --policy policy.yaml\n  flowsight serve --host 0.0.0.0 --port 9000   # prints a link with a generated token\n  flowsight serve --db net.duckdb --policy policy.yaml --ingest ./AWSLogs --every 5m   # new logs show up as they land\n\nA store is written by one process at a time, and no other process can open it meanwhile: to load\nnew logs while the dashboard serves, give them to serve with --ingest rather than running ingest.',
    )
    .action(
      async (opts: {
        db: string;
        policy?: string;
        port: string;
        host: string;
        token?: string;
        ingest?: string[];
        every?: string;
        format?: string;
      }) => {
        const alone =
          opts.ingest === undefined
            ? ['every', 'format'].find((k) => k in opts && opts[k as 'every'] !== undefined)
            : undefined;
        if (alone !== undefined) {
          throw new UserError('cli.needs-ingest', `--${alone} applies to --ingest, which is not given`, {
            at: `--${alone}`,
            hint: 'add --ingest <paths> to load flow logs while serving, or leave --' + alone + ' out',
          });
        }
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
          ...(opts.ingest === undefined
            ? {}
            : {
                ingest: {
                  inputs: opts.ingest,
                  everySeconds: parseInterval(opts.every ?? '5m', '--every'),
                  ...(opts.format === undefined ? {} : { format: opts.format }),
                },
              }),
        });
      },
    );
}
