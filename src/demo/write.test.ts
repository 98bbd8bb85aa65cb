// writeDemo puts gzip objects in the S3 key layout and truth.json beside them, nothing else.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../test/support/demo.js';
import { writeDemo } from './index.js';

const options = { seed: 11, hours: 2, flows: 30_000 };
const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'flowsight-demo-'));
  dirs.push(d);
  return d;
};

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('writeDemo', () => {
  it('writes gzip files in the S3 key layout and a truth.json that matches the generator', async () => {
    const dir = await tempDir();
    const progress: number[] = [];
    const result = await writeDemo(dir, options, (p) => progress.push(p.files));
    const expected = runDemo(options);
    expect(result.files).toBe(expected.files.length);
    expect(result.records).toBe(expected.truth.totals.records);
    expect(result.flows).toBe(expected.truth.totals.flows);
    expect(progress.at(-1)).toBe(expected.files.length);
    for (const file of expected.files) {
      const body = await readFile(join(dir, file.key));
      expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(Buffer.compare(gunzipSync(body), Buffer.from(file.text))).toBe(0);
    }
    const truth = JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8'));
    expect(truth).toEqual(JSON.parse(JSON.stringify(expected.truth)));
    expect(result.truth).toEqual(expected.truth);
    expect((await readdir(dir)).sort()).toEqual(['AWSLogs', 'truth.json']);
    const sizes = await Promise.all(
      expected.files.map((f) => readFile(join(dir, f.key)).then((b) => b.length)),
    );
    expect(result.bytesWritten).toBe(
      sizes.reduce((a, b) => a + b, 0) + Buffer.byteLength(`${JSON.stringify(truth, null, 2)}\n`),
    );
  });

  it('refuses a folder that already holds a demo, naming it', async () => {
    const dir = await tempDir();
    await writeDemo(dir, { ...options, flows: 25_000 });
    await expect(writeDemo(dir, options)).rejects.toMatchObject({
      code: 'demo.exists',
      message: expect.stringContaining(dir),
    });
  });
});
