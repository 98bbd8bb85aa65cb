// The main thread's side of the parse workers: hands a file to an idle worker, passes each batch
// it posts to the caller (who appends it) and sends the buffers back for reuse. Several files
// parse at once, one per worker, while the main thread appends to the store.

import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { batchTransferables, type FlowBatch } from '../flow/index.js';
import type { ParseStats } from './parse/index.js';
import type { FromWorker, ParseJob, ToWorker } from './parse-worker.js';

export interface ParsePool {
  /**
   * Parses a file in a worker; `onBatch` must copy the batch before it returns. If `onBatch`
   * throws, the rest of the file's batches are dropped and the parse rejects with that error.
   */
  parse(job: Omit<ParseJob, 'type'>, onBatch: (b: FlowBatch) => void): Promise<ParseStats>;
  close(): Promise<void>;
}

/** From sources (tests, tsx) the worker is TypeScript and needs tsx's loader; built, it is plain JS. */
function spawn(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./parse-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true });
}

export function createParsePool(size: number): ParsePool {
  const idle: Worker[] = Array.from({ length: size }, spawn);
  const waiting: ((w: Worker) => void)[] = [];
  const acquire = (): Promise<Worker> => {
    const w = idle.pop();
    return w !== undefined ? Promise.resolve(w) : new Promise((r) => waiting.push(r));
  };
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next !== undefined) next(w);
    else idle.push(w);
  };
  const all = [...idle];
  return {
    async parse(job, onBatch) {
      const w = await acquire();
      try {
        return await new Promise<ParseStats>((resolve, reject) => {
          // a batch the caller could not take (the store failed) fails the file, but only once the
          // worker is through with it: its later batches are dropped, so none reaches the next job
          let refused: { error: unknown } | undefined;
          const onMessage = (m: FromWorker) => {
            switch (m.type) {
              case 'batch':
                try {
                  if (refused === undefined) onBatch(m.batch);
                } catch (e) {
                  refused = { error: e };
                } finally {
                  w.postMessage(
                    { type: 'recycle', batch: m.batch } satisfies ToWorker,
                    batchTransferables(m.batch),
                  );
                }
                return;
              case 'done':
                done();
                if (refused !== undefined) reject(refused.error);
                else resolve(m.stats);
                return;
              case 'error':
                done();
                reject(
                  refused?.error ??
                    new UserError(m.error.code, m.error.message, {
                      ...(m.error.hint ? { hint: m.error.hint } : {}),
                      ...(m.error.at ? { at: m.error.at } : {}),
                    }),
                );
                return;
              case 'bug':
                done();
                reject(refused?.error ?? new Error(`parse worker failed on ${job.path}: ${m.message}`));
                return;
              default: {
                const never: never = m;
                throw new Error(`unexpected worker message ${JSON.stringify(never)}`);
              }
            }
          };
          const onError = (e: Error) => {
            done();
            reject(e);
          };
          const done = () => {
            w.off('message', onMessage);
            w.off('error', onError);
          };
          w.on('message', onMessage);
          w.on('error', onError);
          w.postMessage({ type: 'job', ...job } satisfies ToWorker);
        });
      } finally {
        release(w);
      }
    },
    async close() {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
