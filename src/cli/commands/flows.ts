// flowsight flows: the flows that match a filter and time range.

import { Command } from 'commander';
import { runFlows } from '../../app/index.js';
import type { Io } from '../io.js';
import { type OutputFormat, renderRows } from '../output.js';
import { dbOption, formatOption, limitOption, parseLimit, parseRange, rangeOptions } from './common.js';

export function flowsCommand(io: Io): Command {
  const cmd = new Command('flows').description('list the flows that match a filter, oldest first');
  dbOption(cmd);
  rangeOptions(cmd);
  limitOption(cmd, 50);
  cmd.option('--columns <list>', 'comma-separated flow columns to show (default: the usual 13)');
  formatOption(cmd);
  cmd.addHelpText(
    'after',
    '\nExample:\n  flowsight flows --filter "action reject and dst port in [22, 3389]" --limit 20',
  );
  return cmd.action(
    async (opts: {
      db: string;
      filter?: string;
      since?: string;
      until?: string;
      limit: string;
      columns?: string;
      format: OutputFormat;
    }) => {
      const columns = opts.columns
        ?.split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      const r = await runFlows(
        { db: opts.db },
        {
          limit: parseLimit(opts.limit),
          range: parseRange(opts, io),
          ...(opts.filter ? { filter: opts.filter } : {}),
          ...(columns ? { columns } : {}),
        },
      );
      io.stdout.write(renderRows(r.columns, r.rows, opts.format));
    },
  );
}
