// flowsight top: top-N by any dimensions with the remainder as one "other" row.

import { Command } from 'commander';
import { DIMENSION_NAMES, runTop } from '../../app/index.js';
import type { Io } from '../io.js';
import { humanBytes, type OutputFormat, renderRows } from '../output.js';
import {
  dbOption,
  formatOption,
  limitOption,
  parseLimit,
  parseMetric,
  parseRange,
  rangeOptions,
} from './common.js';

export function topCommand(io: Io): Command {
  const cmd = new Command('top')
    .description('top talkers: the biggest groups of flows by bytes, packets or flows')
    .argument('<dimensions>', `comma-separated: ${DIMENSION_NAMES.slice(0, 12).join(', ')} ...`)
    .option('--by <metric>', 'bytes, packets or flows', 'bytes');
  dbOption(cmd);
  rangeOptions(cmd);
  limitOption(cmd, 10);
  formatOption(cmd);
  cmd.addHelpText(
    'after',
    '\nExamples:\n  flowsight top src\n  flowsight top src,dst,dstport --by flows --filter "action reject" --since 24h',
  );
  return cmd.action(
    async (
      dims: string,
      opts: {
        db: string;
        by: string;
        filter?: string;
        since?: string;
        until?: string;
        limit: string;
        format: OutputFormat;
      },
    ) => {
      const by = parseMetric(opts.by);
      const dimensions = dims
        .split(',')
        .map((d) => d.trim())
        .filter((d) => d !== '');
      const r = await runTop(
        { db: opts.db },
        {
          dimensions,
          by,
          limit: parseLimit(opts.limit),
          range: parseRange(opts, io),
          ...(opts.filter ? { filter: opts.filter } : {}),
        },
      );
      const names = [...dimensions.map((d) => d.toLowerCase()), by, 'share'];
      const cols = r.columns.filter((c) => names.includes(c) || c === 'other');
      if (opts.format !== 'table') {
        io.stdout.write(renderRows(cols, r.rows, opts.format));
        return;
      }
      const rows = r.rows.map((row) => {
        const out: Record<string, unknown> = { ...row };
        if (row.other === true) out[r.columns[0] as string] = '(other)';
        if (by === 'bytes') out.bytes = humanBytes(row.bytes as bigint);
        out.share = `${(Number(row.share ?? 0) * 100).toFixed(1)}%`;
        return out;
      });
      io.stdout.write(
        renderRows(
          cols.filter((c) => c !== 'other'),
          rows,
          'table',
        ),
      );
    },
  );
}
