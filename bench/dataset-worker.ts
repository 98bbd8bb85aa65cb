// A dataset worker thread: builds the seeded estate once, then writes each file it is sent,
// streaming the lines through gzip into the file (bounded memory: one 1 MB chunk in flight plus
// zlib's window), and answers with the file's totals.

import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { createGzip, type ZlibOptions } from 'node:zlib';
import { type FileSpec, type FileTotals, writeFileLines } from './dataset-lines.js';
import { buildEstate } from './dataset-records.js';

export interface Job {
  readonly spec: FileSpec;
  readonly path: string;
}

export type JobResult =
  | { readonly ok: true; readonly totals: FileTotals; readonly gzBytes: number }
  | { readonly ok: false; readonly error: string };

const estate = buildEstate((workerData as { seed: number }).seed);

async function writeOne(job: Job): Promise<JobResult> {
  await mkdir(dirname(job.path), { recursive: true });
  // gzip runs on the libuv pool while this thread writes the next chunks: up to 4 MB in flight
  // (zlib streams take Transform options too; @types/node does not list them)
  const gz = createGzip({ level: 6, chunkSize: 1 << 18, writableHighWaterMark: 4 << 20 } as ZlibOptions);
  const out = createWriteStream(job.path);
  gz.pipe(out);
  const totals = await writeFileLines(job.spec, estate, (chunk) => {
    if (!gz.write(chunk)) return new Promise((resolve) => gz.once('drain', resolve));
    return undefined;
  });
  gz.end();
  await finished(out);
  return { ok: true, totals, gzBytes: out.bytesWritten };
}

parentPort?.on('message', (job: Job) => {
  writeOne(job).then(
    (r) => parentPort?.postMessage(r),
    (e: unknown) =>
      parentPort?.postMessage({ ok: false, error: (e as Error).stack ?? String(e) } satisfies JobResult),
  );
});
