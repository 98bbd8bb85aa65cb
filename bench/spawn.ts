// Runs one job of the comparison in its own process through measure.mjs: wall time from spawn to
// exit (what a user waits for, node start-up included), the job's peak RSS from the child's own
// resourceUsage, its stdout, its CPU time, and the tail of its stderr for failures.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Measured {
  readonly exitCode: number;
  /** spawn to exit, as seen by the parent */
  readonly wallMs: number;
  /** inside the child, from its first line to the job's end */
  readonly childMs: number;
  /** user + system CPU of every thread of the child: steadier than wall time on a busy machine */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

const MEASURE = fileURLToPath(new URL('./measure.mjs', import.meta.url));

export function spawnMeasured(args: readonly string[], cwd: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [MEASURE, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const report: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as NodeJS.ReadableStream | null)?.on('data', (b: Buffer) => report.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const stderr = Buffer.concat(err).toString('utf8').slice(-4000);
      const line = Buffer.concat(report).toString('utf8').trim();
      if (line === '') {
        reject(new Error(`measured child exited ${code} without a report:\n${stderr}`));
        return;
      }
      const r = JSON.parse(line) as { exitCode: number; ms: number; cpuMs: number; maxRssKb: number };
      resolve({
        exitCode: code ?? r.exitCode,
        wallMs,
        childMs: r.ms,
        cpuMs: r.cpuMs,
        peakRssMb: r.maxRssKb / 1024,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
      });
    });
  });
}
