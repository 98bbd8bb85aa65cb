// flowsight sql: read-only SQL over the store (the `flows` view), as a table, JSON or CSV.

import { Command } from 'commander';
import { runSql } from '../../app/index.js';
import type { Io } from '../io.js';
import { type OutputFormat, renderRows } from '../output.js';
import { dbOption, formatOption } from './common.js';

export function sqlCommand(io: Io): Command {
  const cmd = new Command('sql')
    .description('run a read-only SQL query over the flows view (writes and file access are refused)')
    .argument('<query>', 'e.g. "SELECT action, sum(bytes) FROM flows GROUP BY action"');
  dbOption(cmd);
  formatOption(cmd);
  cmd.addHelpText(
    'after',
    '\nThe flows view has one column per flow-log field (SQL names: srcaddr, dstport, log_status ...),\nplus kind (vpc or tgw), source (the file) and extra (unknown fields). Try: flowsight sql "DESCRIBE flows"',
  );
  return cmd.action(async (query: string, opts: { db: string; format: OutputFormat }) => {
    const r = await runSql({ db: opts.db }, query);
    io.stdout.write(renderRows(r.columns, r.rows, opts.format));
  });
}
