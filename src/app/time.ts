// Reads the times people type for --since/--until: ISO-8601, epoch seconds, or a duration back
// from now (`15m`, `24h`, `7d`). The clock is passed in.

import { UserError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Epoch seconds for a user's time text. */
export function parseTime(text: string, now: Date, flag: string): number {
  const t = text.trim();
  const rel = /^(\d+)([smhdw])$/.exec(t);
  if (rel !== null)
    return Math.floor(now.getTime() / 1000) - Number(rel[1]) * (UNITS[rel[2] as string] as number);
  if (/^\d{9,10}$/.test(t)) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const iso = /T|\s/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? `${t.replace(' ', 'T')}Z` : t;
    const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new UserError('cli.bad-time', `${flag} '${text}' is not a time`, {
    at: flag,
    hint: 'use ISO-8601 UTC (2026-11-29T10:00:00Z or 2026-11-29), epoch seconds, or a duration back from now (15m, 24h, 7d)',
  });
}
