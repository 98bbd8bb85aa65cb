// A parse worker thread: reads one flow-log file at a time (plain or gzip), parses it into
// batches and posts each one to the main thread with its buffers transferred, not copied. The
// main thread appends the batch and sends the buffers back for reuse; at most MAX_OUT batches
// are out at once, so a slow store holds the parser back instead of filling memory.

import { parentPort } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { batchTransferables, createBatchPool, type FlowBatch } from '../flow/index.js';
import { parseFormat, route } from './parse/index.js';
import { parseStream } from './read-input.js';
import { type Container, openText } from './sources/file.js';

const MAX_OUT = 2;

export interface ParseJob {
  readonly type: 'job';
  readonly path: string;
  readonly container: Container;
  readonly format?: string;
  readonly maxSamples: number;
}

export type FromWorker =
  | { readonly type: 'batch'; readonly batch: FlowBatch }
  | { readonly type: 'done'; readonly stats: import('./parse/index.js').ParseStats }
  | { readonly type: 'error'; readonly error: { code: string; message: string; hint?: string; at?: string } }
  | { readonly type: 'bug'; readonly message: string };

export type ToWorker = ParseJob | { readonly type: 'recycle'; readonly batch: FlowBatch };

const port = parentPort;
if (port === null) throw new Error('parse-worker.ts runs only as a worker thread');

const pool = createBatchPool(MAX_OUT + 1);
let out = 0;
let wake: (() => void) | undefined;

async function run(job: ParseJob): Promise<void> {
  const opts = {
    maxSamples: job.maxSamples,
    pool,
    ...(job.format === undefined ? {} : { format: parseFormat(job.format) }),
  };
  const emit = (batch: FlowBatch) => {
    route(batch); // here, off the appending thread: core/wide split, sorted runs compress better
    out++;
    port?.postMessage({ type: 'batch', batch } satisfies FromWorker, batchTransferables(batch));
  };
  const between = async () => {
    while (out >= MAX_OUT) await new Promise<void>((r) => (wake = r));
  };
  const stats = await parseStream(
    openText(job.path, job.container),
    job.path,
    job.container,
    emit,
    opts,
    between,
  );
  port?.postMessage({ type: 'done', stats } satisfies FromWorker);
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'recycle') {
    out--;
    pool.give(m.batch);
    wake?.();
    wake = undefined;
    return;
  }
  run(m).catch((e: unknown) => {
    const msg: FromWorker =
      e instanceof UserError
        ? {
            type: 'error',
            error: {
              code: e.code,
              message: e.message,
              ...(e.hint ? { hint: e.hint } : {}),
              ...(e.at ? { at: e.at } : {}),
            },
          }
        : { type: 'bug', message: String((e as Error)?.stack ?? e) };
    port.postMessage(msg);
  });
});
