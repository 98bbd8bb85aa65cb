// flowsight demo: generate realistic flow logs for a real platform (the MoJ Modernisation
// Platform), ingest them, print top talkers and rejected traffic, and check the totals.

import { basename, join, relative } from 'node:path';
import { Command } from 'commander';
import { EXAMPLE_POLICY, runDemo, runTop } from '../../app/index.js';
import { UserError } from '../../errors.js';
import { demoCheckText } from '../check-output.js';
import type { Io } from '../io.js';
import { count, humanBytes, renderRows } from '../output.js';
import { serveDashboard } from './serve.js';

/** Where the demo serves the dashboard; any free port when it is taken. */
const DEMO_PORT = 8080;

function int(text: string, flag: string, min: number): number {
  if (!/^-?\d+$/.test(text) || Number(text) < min) {
    throw new UserError('cli.bad-number', `${flag} '${text}' is not a whole number >= ${min}`, {
      at: flag,
      hint: `e.g. ${flag} ${Math.max(min, 1) * 2}`,
    });
  }
  return Number(text);
}

/** A word the shell passes on as it is: quoted when it holds anything but safe characters. */
export function shellWord(w: string): string {
  return /^[\w./:=@%+,-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}

/**
 * How to run this flowsight again from `cwd`, for the commands the demo suggests: the name npm
 * linked (`flowsight`, or `npx flowsight` from a project's node_modules); this checkout's
 * `bin/flowsight.js` or built CLI with node, its source with tsx, relative to `cwd`; else (run
 * from elsewhere, as by a test) `flowsight`.
 */
export function selfCommand(script: string | undefined, cwd: string): string {
  if (script === undefined) return 'flowsight';
  const at = () => shellWord(relative(cwd, script) || script);
  if (/node_modules[\\/]\.bin[\\/]flowsight$/.test(script)) return 'npx flowsight';
  if (basename(script) === 'flowsight.js' || /dist[\\/]cli[\\/]main\.js$/.test(script)) return `node ${at()}`;
  if (/src[\\/]cli[\\/]main\.ts$/.test(script)) return `npx tsx ${at()}`;
  return 'flowsight';
}

export function demoCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command('demo')
    .description(
      'generate a day of flow logs for a real hub-and-spoke platform, ingest them and show what they say',
    )
    .option('--out <dir>', 'where the generated logs go', './flowsight-demo')
    .option('--db <path>', 'the store to ingest into (default: <out>/demo.duckdb)')
    .option('--hours <n>', 'hours of traffic', '24')
    .option('--flows <n>', 'about how many flow records', '1000000')
    .option(
      '--seed <n>',
      'the random seed: another seed, other traffic with the same kinds of violations',
      '1',
    )
    .option('--no-serve', 'stop after printing, without serving the dashboard')
    .action(
      async (opts: {
        out: string;
        db?: string;
        hours: string;
        flows: string;
        seed: string;
        serve: boolean;
      }) => {
        const options = {
          seed: int(opts.seed, '--seed', -(2 ** 31)),
          hours: int(opts.hours, '--hours', 2),
          flows: int(opts.flows, '--flows', 1000),
        };
        const db = opts.db ?? join(opts.out, 'demo.duckdb');
        const started = Date.now();
        io.stderr.write(
          `demo: ${count(options.flows)} flow records over ${options.hours} h (seed ${options.seed}) into ${opts.out} ...\n`,
        );
        const r = await runDemo({ db, now: io.now }, { out: opts.out, options });
        const t = r.truth.totals;
        io.stdout.write(
          `${r.reused ? 'reused' : 'generated'} ${count(t.files)} files, ${count(t.records)} records (${count(t.byKind.tgw)} Transit Gateway) in ${opts.out}\n` +
            `ingested ${count(r.report.files)} files, ${count(r.report.flows)} flows into ${db}` +
            (r.report.skippedFiles > 0 ? ` (${count(r.report.skippedFiles)} files already there)` : '') +
            ` (${((Date.now() - started) / 1000).toFixed(1)} s in all)\n\n`,
        );
        const top = await runTop({ db }, { dimensions: ['src'], by: 'bytes', limit: 10 });
        io.stdout.write(
          `Top talkers by bytes\n${renderRows(
            ['src', 'bytes', 'share'],
            top.rows.map((x) => pretty(x)),
            'table',
          )}\n`,
        );
        const ports = await runTop(
          { db },
          { dimensions: ['dstport', 'protocol'], by: 'flows', limit: 8, filter: 'action reject' },
        );
        io.stdout.write(
          `Rejected traffic by destination port\n${renderRows(
            ['dstport', 'protocol', 'flows', 'share'],
            ports.rows.map((x) => pretty(x, 'dstport')),
            'table',
          )}\n`,
        );
        const pairs = await runTop(
          { db },
          {
            dimensions: ['src', 'dst', 'dstport'],
            by: 'flows',
            limit: 5,
            filter: 'action reject and src net 10.0.0.0/8',
          },
        );
        io.stdout.write(
          `Rejected traffic from inside the platform\n${renderRows(
            ['src', 'dst', 'dstport', 'flows', 'share'],
            pairs.rows.map((x) => pretty(x)),
            'table',
          )}\n`,
        );
        if (r.mismatches.length === 0) {
          io.stdout.write(
            `The store agrees with the generator's truth.json: ${count(t.flows)} flows, ${humanBytes(t.bytes)}, ${count(t.byAction.REJECT)} rejected.\n`,
          );
        } else {
          setExit(1);
          io.stdout.write(
            `The store does NOT agree with truth.json:\n${r.mismatches.map((m) => `  ${m}`).join('\n')}\n`,
          );
        }
        io.stdout.write(demoCheckText(r.check));
        if (!r.check.comparison.agrees) setExit(1);
        const me = selfCommand(process.argv[1], process.cwd());
        const at = shellWord(db);
        const policyFile = shellWord(relative(process.cwd(), EXAMPLE_POLICY));
        io.stdout.write(
          `\nTry next:\n  ${me} top dst,dstport --db ${at} --filter "action reject"\n  ${me} flows --db ${at} --filter "dst port 3389" --limit 10\n  ${me} sql "SELECT kind, count(*), sum(bytes) FROM flows GROUP BY kind" --db ${at}\n  ${me} check --policy ${policyFile} --db ${at}\n`,
        );
        if (!opts.serve) {
          io.stdout.write(`  ${me} serve --db ${at} --policy ${policyFile}    # the dashboard\n`);
          return;
        }
        io.stdout.write('\nThe dashboard, over this demo (Ctrl-C to stop):\n');
        await serveDashboard(io, {
          db,
          policy: EXAMPLE_POLICY,
          host: '127.0.0.1',
          port: DEMO_PORT,
          anyPort: true,
        });
      },
    );
}

function pretty(row: Record<string, unknown>, first = 'src'): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  if (row.other === true) out[first] = '(other)';
  if (typeof row.bytes === 'bigint' || typeof row.bytes === 'number') out.bytes = humanBytes(row.bytes);
  out.share = `${(Number(row.share ?? 0) * 100).toFixed(1)}%`;
  return out;
}
