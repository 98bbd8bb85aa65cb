// The flowsight command line: dispatch to commands, and the one error boundary.
// Exit codes: 0 ok, 1 a user error (bad input, violations), 2 usage (and a policy that does not load), 70 a bug.

import { Command, CommanderError } from 'commander';
import { isUserError } from '../errors.js';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { flowsCommand } from './commands/flows.js';
import { ingestCommand } from './commands/ingest.js';
import { serveCommand } from './commands/serve.js';
import { sqlCommand } from './commands/sql.js';
import { topCommand } from './commands/top.js';
import { type Io, processIo } from './io.js';

export const EXIT = Object.freeze({ ok: 0, user: 1, usage: 2, bug: 70 });

function program(io: Io, setExit: (code: number) => void): Command {
  const p = new Command('flowsight')
    .description(
      'Know whether your AWS network is in the state you intend: VPC and Transit Gateway flow logs, stored and analysed.',
    )
    .version('0.1.0')
    .option('--debug', 'show stack traces for internal errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const cmd of [
    ingestCommand(io, setExit),
    sqlCommand(io),
    topCommand(io),
    flowsCommand(io),
    demoCommand(io, setExit),
    serveCommand(io),
    checkCommand(io, setExit),
  ]) {
    cmd
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    cmd.showHelpAfterError('(add --help for usage)');
    p.addCommand(cmd);
  }
  return p;
}

/** Runs the CLI with the given arguments (without `node` and the script); resolves to the exit code. */
export async function main(args: readonly string[], io: Io = processIo()): Promise<number> {
  let exit: number = EXIT.ok;
  const p = program(io, (c) => {
    exit = Math.max(exit, c);
  });
  try {
    if (args.length === 0) {
      p.outputHelp();
      return EXIT.usage;
    }
    await p.parseAsync([...args], { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (isUserError(e)) {
      io.stderr.write(`error: ${e.message}\n`);
      if (e.at !== undefined && !e.message.includes(e.at)) io.stderr.write(`  at: ${e.at}\n`);
      if (e.hint !== undefined) io.stderr.write(`hint: ${e.hint}\n`);
      // a bad argument (cli.*) or a policy that does not load is a usage error: `check` exits 1
      // only for findings
      return e.code.startsWith('policy.') || e.code.startsWith('cli.') ? EXIT.usage : EXIT.user;
    }
    io.stderr.write(`internal error (a bug in flowsight; please report it): ${(e as Error).message}\n`);
    if (args.includes('--debug')) io.stderr.write(`${(e as Error).stack}\n`);
    else io.stderr.write('run again with --debug for the stack trace\n');
    return EXIT.bug;
  }
}
