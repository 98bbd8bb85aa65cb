// Vitest global setup: one small demo store per run (4 hours, ~60 k records, seed 3) for the
// dashboard's tests (app, server, end to end), which open it read-only; removed at the end.
// Tests read its path with `inject('demoDb')`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { runDemo } from '../../src/app/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the demo store (a DuckDB file) */
    demoDb: string;
    /** the demo's folder: AWSLogs/ and truth.json */
    demoDir: string;
  }
}

export const DEMO_OPTIONS = { seed: 3, hours: 4, flows: 60_000 } as const;

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowsight-demo-store-'));
  const db = join(dir, 'demo.duckdb');
  const r = await runDemo({ db }, { out: join(dir, 'demo'), options: DEMO_OPTIONS });
  if (r.mismatches.length > 0)
    throw new Error(`the demo store does not match truth.json: ${r.mismatches.join('; ')}`);
  project.provide('demoDb', db);
  project.provide('demoDir', join(dir, 'demo'));
  return () => rmSync(dir, { recursive: true, force: true });
}
