// Test support for the demo generator: runs generateDemo into memory and splits every line on
// whitespace by its file's header, so tests can recount what the generator claims in truth.json
// without depending on the real parser. Also a small segment lookup over truth.segments.

import {
  type DemoFile,
  type DemoOptions,
  demoLines,
  generateDemo,
  type Truth,
} from '../../src/demo/index.js';

export { generateDemo, writeDemo } from '../../src/demo/index.js';

export interface Row {
  readonly key: string;
  readonly format: DemoFile['format'];
  readonly kind: 'vpc' | 'tgw';
  /** field name -> text, exactly as written */
  readonly f: Readonly<Record<string, string>>;
  /** the raw line */
  readonly line: string;
  /** number of whitespace-separated tokens on the line */
  readonly tokens: number;
}

export interface DemoRun {
  readonly files: readonly DemoFile[];
  readonly truth: Truth;
}

/** Every file (bytes kept) and the truth. */
export function runDemo(options: DemoOptions): DemoRun {
  const files: DemoFile[] = [];
  const gen = generateDemo(options);
  let step = gen.next();
  while (step.done !== true) {
    files.push(step.value);
    step = gen.next();
  }
  return { files, truth: step.value };
}

/** Every record of every file, split by its header (header lines are not rows). */
export function rowsOf(files: readonly DemoFile[]): { rows: Row[]; headers: Map<string, string[]> } {
  const rows: Row[] = [];
  const headers = new Map<string, string[]>();
  for (const file of files) {
    const [header, ...lines] = demoLines(file);
    const names = (header ?? '').split(/\s+/);
    headers.set(file.key, names);
    const kind = names.includes('tgw-id') ? 'tgw' : 'vpc';
    for (const line of lines) {
      const tokens = line.trim().split(/\s+/);
      const f: Record<string, string> = {};
      names.forEach((n, i) => {
        f[n] = tokens[i] ?? '';
      });
      rows.push({ key: file.key, format: file.format, kind, f, line, tokens: tokens.length });
    }
  }
  return { rows, headers };
}

/** pkt-srcaddr when the record has one (and it is not `-`), else srcaddr. */
export const effSrc = (r: Row): string =>
  r.f['pkt-srcaddr'] !== undefined && r.f['pkt-srcaddr'] !== '-'
    ? r.f['pkt-srcaddr']
    : (r.f.srcaddr as string);
export const effDst = (r: Row): string =>
  r.f['pkt-dstaddr'] !== undefined && r.f['pkt-dstaddr'] !== '-'
    ? r.f['pkt-dstaddr']
    : (r.f.dstaddr as string);

const num = (ip: string): number => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);

/** Address -> the most specific segment of truth.segments that holds it. */
export function segmentLookup(truth: Truth): (ip: string) => string {
  const blocks: { name: string; first: number; last: number; prefix: number }[] = [];
  for (const [name, cidrs] of Object.entries(truth.segments)) {
    for (const c of cidrs) {
      const [ip, p] = c.split('/') as [string, string];
      const prefix = Number(p);
      const first = num(ip);
      blocks.push({ name, first, last: first + 2 ** (32 - prefix) - 1, prefix });
    }
  }
  blocks.sort((a, b) => b.prefix - a.prefix);
  const cache = new Map<string, string>();
  return (ip) => {
    let hit = cache.get(ip);
    if (hit === undefined) {
      const n = num(ip);
      hit = blocks.find((b) => n >= b.first && n <= b.last)?.name ?? 'unknown';
      cache.set(ip, hit);
    }
    return hit;
  };
}

/** Is the address in one of the CIDRs? */
export function inCidrs(ip: string, cidrs: readonly string[]): boolean {
  const n = num(ip);
  return cidrs.some((c) => {
    const [base, p] = c.split('/') as [string, string];
    const first = num(base);
    return n >= first && n < first + 2 ** (32 - Number(p));
  });
}
