// Options and checks shared by commands, so each flag is spelled and validated once.

import { type Command, Option } from 'commander';
import { METRICS, type Metric, parseTime, type TimeRange } from '../../app/index.js';
import { UserError } from '../../errors.js';
import type { Io } from '../io.js';
import { OUTPUT_FORMATS } from '../output.js';

export const DEFAULT_DB = './flowsight.duckdb';

export function dbOption(cmd: Command): Command {
  return cmd.option('--db <path>', 'the flow store (a DuckDB file)', DEFAULT_DB);
}

export function formatOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'),
  );
}

export function rangeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--filter <expr>',
      "which flows, e.g. 'src net 10.27.64.0/21 and dst port 443' (see docs/filter.md)",
    )
    .option('--since <time>', 'from this time: ISO-8601 UTC, epoch seconds, or back from now (24h, 7d)')
    .option('--until <time>', 'before this time (same forms as --since)');
}

export function limitOption(cmd: Command, dflt: number): Command {
  return cmd.option('--limit <n>', 'how many rows', String(dflt));
}

export function parseLimit(text: string, flag = '--limit'): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 10_000_000) {
    throw new UserError('cli.bad-number', `${flag} '${text}' is not a whole number from 1 to 10000000`, {
      at: flag,
      hint: `e.g. ${flag} 20`,
    });
  }
  return Number(text);
}

export function parseMetric(text: string): Metric {
  if ((METRICS as readonly string[]).includes(text)) return text as Metric;
  throw new UserError('cli.bad-metric', `--by '${text}' is not a metric`, {
    at: '--by',
    hint: `use ${METRICS.join(', ')}`,
  });
}

export function parseRange(opts: { since?: string; until?: string }, io: Io): TimeRange {
  const now = io.now();
  const range = {
    ...(opts.since === undefined ? {} : { since: parseTime(opts.since, now, '--since') }),
    ...(opts.until === undefined ? {} : { until: parseTime(opts.until, now, '--until') }),
  };
  if (range.since !== undefined && range.until !== undefined && range.since >= range.until) {
    throw new UserError('cli.bad-time', `--since '${opts.since}' is not before --until '${opts.until}'`, {
      at: '--since',
      hint: 'swap them, or leave one out',
    });
  }
  return range;
}

export function parseCount(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UserError('cli.bad-number', `${flag} '${text}' is not a whole number from ${min} to ${max}`, {
      at: flag,
      hint: `e.g. ${flag} ${min + 1}`,
    });
  }
  return Number(text);
}

const MEMORY = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/** A DuckDB memory limit such as 512MB or 2GiB, at least 16 MB; returned as DuckDB reads it. */
export function parseMemoryLimit(text: string, flag: string): string {
  const m = MEMORY.exec(text.trim());
  const scale: Record<string, number> = {
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
    tib: 1024 ** 4,
  };
  const unit = m?.[2]?.toLowerCase() ?? '';
  if (m === null || Number(m[1]) * (scale[unit] ?? 0) < 16e6) {
    throw new UserError('cli.bad-memory-limit', `${flag} '${text}' is not a memory size of at least 16 MB`, {
      at: flag,
      hint: `give a number and a unit, e.g. ${flag} 512MB or ${flag} 2GB`,
    });
  }
  return `${m[1]}${m[2]}`;
}
