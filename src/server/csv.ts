// The flows explorer's rows as CSV (RFC 4180): a header of column names, one line per flow,
// fields quoted when they hold a comma, a quote or a line break.

import type { Cell, Flows } from '../app/index.js';

function field(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(f: Flows): string {
  const lines = [f.columns.map(field).join(','), ...f.rows.map((r) => r.map(field).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
