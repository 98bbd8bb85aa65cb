// Runs the CLI in-process with captured output, for tests.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  args: readonly string[],
  opts: { stdin?: string | Buffer; now?: Date } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    now: () => opts.now ?? new Date('2026-11-29T12:00:00Z'),
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'flowsight-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
