// What a command may touch of the outside world, passed in so tests run commands in-process.

import type { Readable } from 'node:stream';

export interface Io {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stdin: Readable;
  readonly now: () => Date;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    now: () => new Date(),
    cwd: process.cwd(),
  };
}
