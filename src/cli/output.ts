// Renders result rows as an aligned table, JSON (an array of objects) or CSV.
// JSON: timestamps ISO-8601 UTC ending in Z, NULL as null, integers as numbers (64-bit ones too).

import { UserError } from '../errors.js';

export type OutputFormat = 'table' | 'json' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];

export function outputFormat(text: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(text)) return text as OutputFormat;
  throw new UserError('cli.bad-format', `--format '${text}' is not an output format`, {
    at: '--format',
    hint: 'use table, json or csv',
  });
}

/** A JS value as a plain JSON-ready value: Dates to ISO text, maps to objects. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((e) => typeof e === 'object' && e !== null && 'key' in e && 'value' in e)) {
      return Object.fromEntries(
        v.map((e: { key: unknown; value: unknown }) => [String(e.key), plain(e.value)]),
      );
    }
    return v.map(plain);
  }
  return v;
}

/** JSON text with bigints written as plain integers (JSON has no size limit on numbers). */
export function toJson(value: unknown, indent = 2): string {
  const marks: string[] = [];
  const tag = `fsbig${Math.random().toString(36).slice(2)}`;
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      const p = plain(v);
      if (typeof p === 'bigint') {
        marks.push(p.toString());
        return `${tag}:${marks.length - 1}`;
      }
      return p;
    },
    indent,
  );
  return text.replace(new RegExp(`"${tag}:(\\d+)"`, 'g'), (_m, i: string) => marks[Number(i)] as string);
}

function cell(v: unknown): string {
  const p = plain(v);
  if (p === null || p === undefined) return '';
  if (typeof p === 'object') return JSON.stringify(p);
  return String(p);
}

function csvCell(v: unknown): string {
  const s = cell(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function renderRows(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  format: OutputFormat,
): string {
  switch (format) {
    case 'json':
      return `${toJson(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))))}\n`;
    case 'csv':
      return `${[columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n')}\n`;
    case 'table':
      return table(columns, rows);
    default: {
      const never: never = format;
      throw new Error(`unhandled format ${String(never)}`);
    }
  }
}

function table(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '-' : cell(r[c]))));
  const numeric = columns.map(
    (c) =>
      rows.length > 0 &&
      rows.every((r) => r[c] == null || typeof r[c] === 'number' || typeof r[c] === 'bigint'),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] as string).length)));
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (rows.length === 0) out.push('(no rows)');
  return `${out.join('\n')}\n`;
}

/** 1234567 -> "1.2 MB" (powers of 1000, as network people count bytes). */
export function humanBytes(n: number | bigint): string {
  const v = Number(n);
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${x.toFixed(1)} ${units[i]}`;
}

/** 1234567 -> "1,234,567". */
export function count(n: number | bigint): string {
  return n.toLocaleString('en-US');
}
