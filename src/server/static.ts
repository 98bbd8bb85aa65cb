// The built dashboard (Vite's output, dist/web) served from the package: files under the root
// only, hashed assets cached for good, index.html for the views' own paths (/sankey, /flows).
// Files are read once and kept in memory with their gzip form; the folder is small.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  /** content-addressed by Vite (assets/name-hash.js): never changes */
  readonly immutable: boolean;
}

export function webFiles(root: string): (path: string) => StaticFile | undefined {
  const base = resolve(root);
  const cache = new Map<string, StaticFile>();
  const load = (rel: string): StaticFile | undefined => {
    const file = normalize(join(base, rel));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) return undefined;
    const body = readFileSync(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    return { type, body, gzip: gzipSync(body), immutable: rel.startsWith('assets/') };
  };
  return (path) => {
    let rel: string;
    try {
      rel = decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      return undefined;
    }
    // a view's own path (no extension) is the single page
    if (rel === '' || extname(rel) === '') rel = 'index.html';
    // only files that exist are kept: a scan of made-up paths must not grow the cache
    const hit = cache.get(rel) ?? load(rel);
    if (hit !== undefined) cache.set(rel, hit);
    return hit;
  };
}

/** Where the built dashboard is: dist/web of this package (from src/server or dist/server). */
export const WEB_ROOT = resolve(import.meta.dirname, '../../dist/web');
