// Local files: expands paths, directories (recursive), globs and `-` (stdin) into inputs, and
// opens each as a byte stream. Compression and Parquet are recognised by their magic bytes, never
// by the file name (AWS, `aws s3 sync` and users all rename things).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UserError } from '../../errors.js';
import { type Gunzip, nativeGunzip } from '../parse/index.js';

export type InputFile =
  | { readonly kind: 'file'; readonly path: string; readonly size: number }
  | { readonly kind: 'stdin'; readonly path: '-' };

export type Container = 'gzip' | 'parquet' | 'plain';

const GZIP = [0x1f, 0x8b];
const PARQUET = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** What a file's first bytes say it is. */
export function sniffContainer(head: Uint8Array): Container {
  if (head[0] === GZIP[0] && head[1] === GZIP[1]) return 'gzip';
  if (PARQUET.every((b, i) => head[i] === b)) return 'parquet';
  return 'plain';
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && !e.name.startsWith('.')) out.push(p);
  }
}

/**
 * Expands the user's inputs in order; a missing path or an empty glob is an error naming it.
 * `exclude` lists files never to read (the store itself, when it sits inside an input folder).
 */
export async function expandInputs(
  inputs: readonly string[],
  exclude: readonly string[] = [],
): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const seen = new Set<string>(exclude.map((p) => resolve(p)));
  const add = async (p: string) => {
    const abs = resolve(p);
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ kind: 'file', path: p, size: (await stat(p)).size });
  };
  for (const input of inputs) {
    if (input === '-') {
      out.push({ kind: 'stdin', path: '-' });
      continue;
    }
    const st = await stat(input).catch(() => undefined);
    if (st?.isDirectory()) {
      const files: string[] = [];
      await walk(input, files);
      for (const f of files.sort()) await add(f);
    } else if (st?.isFile()) {
      await add(input);
    } else if (st === undefined && isDynamicPattern(input)) {
      const files = await glob(input, { onlyFiles: true, dot: false, expandDirectories: false });
      if (files.length === 0) {
        throw new UserError('ingest.not-found', `no files match '${input}'`, {
          hint: 'check the pattern; quote it so your shell does not expand it first',
        });
      }
      for (const f of files.sort()) await add(f);
    } else {
      throw new UserError('ingest.not-found', `no such file or directory: '${input}'`, {
        hint: 'give a flow-log file, a directory of them (e.g. an aws s3 sync copy), a glob, or - for stdin',
      });
    }
  }
  return out;
}

/** sha256 of a file's bytes (hex): its identity, with its size. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The first bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, n = 8): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The decompressed bytes of a plain or gzip file, streamed. */
export function openText(
  path: string,
  container: Container,
  onRawBytes?: (n: number) => void,
): AsyncIterable<Uint8Array> {
  if (container === 'gzip') {
    const gz = nativeGunzip();
    if (gz !== undefined) return gunzipFile(path, gz, onRawBytes);
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (onRawBytes !== undefined) raw.on('data', (c) => onRawBytes((c as Buffer).length));
  if (container !== 'gzip') return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

/**
 * A gzip file through the addon's gunzip: read in 1 MB blocks into one buffer and inflated into
 * another, both reused, so a file costs no Buffer per chunk (the stream's made a worker collect
 * ~0.3 us of garbage per line). Each yielded chunk is valid until the next is asked for: the
 * parser copies what it keeps before it asks.
 */
async function* gunzipFile(
  path: string,
  gz: Gunzip,
  onRawBytes?: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const input = new Uint8Array(1 << 20);
    for (;;) {
      const { bytesRead } = await file.read(input, 0, input.length, null);
      if (bytesRead === 0) break;
      onRawBytes?.(bytesRead);
      const block = input.subarray(0, bytesRead);
      for (let from = 0; from < bytesRead; ) {
        const { used, text } = gz.step(block, from);
        from += used;
        if (text.length > 0) yield text;
        else if (used === 0) break; // only padding was left
      }
    }
    gz.end();
  } finally {
    await file.close();
  }
}
