// flowsight check: does the traffic in the store match the policy? Exit 0 when nothing fails,
// 1 when findings of the failing kinds exist (CI gates on it), 2 for usage or policy errors.

import { Command, InvalidArgumentError, Option } from 'commander';
import { FINDING_KINDS, type FindingKind, parseTime, runCheck } from '../../app/index.js';
import { isUserError } from '../../errors.js';
import { checkJunit, checkText } from '../check-output.js';
import type { Io } from '../io.js';
import { toJson } from '../output.js';
import { dbOption } from './common.js';

const FORMATS = ['text', 'json', 'junit'] as const;

/** A flag's value as a usage error (exit 2) rather than a user error. */
function flag<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (e) {
      if (isUserError(e))
        throw new InvalidArgumentError(`${e.message}${e.hint === undefined ? '' : ` (${e.hint})`}`);
      throw e;
    }
  };
}

function kinds(text: string): FindingKind[] {
  const list = text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const bad = list.filter((k) => !(FINDING_KINDS as readonly string[]).includes(k));
  if (bad.length > 0)
    throw new InvalidArgumentError(
      `'${bad.join(', ')}' is not a finding kind; use some of ${FINDING_KINDS.join(', ')}`,
    );
  return list as FindingKind[];
}

export function checkCommand(io: Io, setExit: (code: number) => void): Command {
  const time = (name: string) => flag((t) => parseTime(t, io.now(), name));
  const cmd = new Command('check')
    .description(
      'check the flows in the store against a policy of intended state: violations, blocked attempts, flows that stopped, silent drops, TGW loss, flow-log health',
    )
    .requiredOption('--policy <file>', 'the policy (YAML), e.g. examples/platform/policy.yaml');
  dbOption(cmd);
  return cmd
    .option(
      '--since <time>',
      'from this time: ISO-8601 UTC, epoch seconds, or back from now (24h, 7d); default: the first flow',
      time('--since'),
    )
    .option(
      '--until <time>',
      'before this time (same forms); default: the last flow, and silences are judged up to it',
      time('--until'),
    )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
    .option(
      '--fail-on <kinds>',
      `finding kinds that fail the check (exit 1), comma-separated`,
      kinds,
      FINDING_KINDS.filter((k) => k !== 'blocked'),
    )
    .option(
      '--evidence <n>',
      'evidence flows shown per finding in text',
      flag((t) => Math.min(100, Math.max(0, Number.parseInt(t, 10) || 0))),
      3,
    )
    .addHelpText(
      'after',
      '\nExit: 0 nothing fails, 1 findings of a failing kind, 2 usage or policy errors.\n\nExamples:\n  flowsight check --policy examples/platform/policy.yaml --db flowsight-demo/demo.duckdb\n  flowsight check --policy policy.yaml --since 24h --format junit > check.xml',
    )
    .action(
      async (opts: {
        policy: string;
        db: string;
        since?: number;
        until?: number;
        format: (typeof FORMATS)[number];
        failOn: FindingKind[];
        evidence: number;
      }) => {
        if (opts.since !== undefined && opts.until !== undefined && opts.since >= opts.until) {
          cmd.error('error: --since is not before --until (swap them, or leave one out)', {
            exitCode: 2,
            code: 'flowsight.bad-range',
          });
        }
        const r = await runCheck({
          db: opts.db,
          policy: opts.policy,
          now: io.now(),
          failOn: opts.failOn,
          ...(opts.since === undefined ? {} : { since: opts.since }),
          ...(opts.until === undefined ? {} : { until: opts.until }),
        });
        if (opts.format === 'json')
          io.stdout.write(`${toJson({ findings: r.findings, summary: r.summary })}\n`);
        else if (opts.format === 'junit') io.stdout.write(checkJunit(r));
        else io.stdout.write(checkText(r, opts.evidence));
        if (!r.summary.pass) setExit(1);
      },
    );
}
