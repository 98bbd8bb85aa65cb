// Reads every import under src/ and checks it against the dependency table of
// docs/ARCHITECTURE.md: modules import each other only through index.ts, in one direction.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** module -> the modules of ours it may import (errors.ts is a leaf anyone may import). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  flow: [],
  ingest: ['flow'],
  sql: ['flow'],
  filter: ['flow', 'sql'],
  engine: ['flow', 'sql'],
  analyses: ['flow', 'sql', 'filter'],
  policy: ['flow', 'sql', 'filter'],
  alerts: ['flow', 'sql', 'analyses', 'policy'],
  demo: ['flow'],
  config: ['flow'],
  app: ['flow', 'ingest', 'sql', 'filter', 'engine', 'analyses', 'policy', 'alerts', 'demo', 'config'],
  // cli starts the server (`flowsight serve`, the end of `flowsight demo`): the one surface that
  // starts another; the server never imports cli
  cli: ['app', 'config', 'server'],
  server: ['app', 'config'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function moduleOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? (rel[0] as string).replace(/\.ts$/, '') : (rel[0] as string);
}

function problems(): string[] {
  const out: string[] = [];
  for (const file of files(SRC)) {
    const from = moduleOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import[^'"]*from '(\.{1,2}\/[^']+)'/gm)) {
      const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
      const to = moduleOf(target);
      if (to === from || to === 'errors') continue;
      const where = relative(SRC, file);
      if (!(ALLOWED[from] ?? []).includes(to))
        out.push(`${where}: '${from}' may not import '${to}' (${m[1]})`);
      else if (!/\/index\.ts$/.test(target) || relative(join(SRC, to), target) !== 'index.ts') {
        out.push(`${where}: import '${to}' through its index.ts, not ${m[1]}`);
      }
    }
  }
  return out;
}

const WEB = resolve(import.meta.dirname, '../../web');

/** web/ is bundled for the browser: of ours it may import only server types, as `import type`. */
function webProblems(): string[] {
  const out: string[] = [];
  for (const file of files(WEB)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import(\s+type)?[^'"]*from '(\.{1,2}\/[^']+)'/gm)) {
      const target = resolve(dirname(file), (m[2] as string).replace(/\.js$/, '.ts'));
      if (!relative(WEB, target).startsWith('..')) continue;
      const where = relative(WEB, file);
      if (target !== join(SRC, 'server', 'index.ts'))
        out.push(`web/${where}: may import only src/server/index.ts (${m[2]})`);
      else if (m[1] === undefined) out.push(`web/${where}: import server types with 'import type' (${m[2]})`);
    }
  }
  return out;
}

describe('the dependency rules of docs/ARCHITECTURE.md', () => {
  it('every import between modules goes one way, through the module index', () => {
    expect(problems()).toEqual([]);
  });

  it('the web client imports nothing of ours but the server API types', () => {
    expect(webProblems()).toEqual([]);
  });
});
