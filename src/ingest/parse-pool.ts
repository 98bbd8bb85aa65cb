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
   * Parses a file in a worker; `onBatch` copies the batch before it returns, or returns a promise
   * and keeps reading it until that settles (the batch goes back to the worker then). If `onBatch`
   * throws or its promise rejects, the rest of the file's batches are dropped and the parse
   * rejects with that error, once every batch taken has settled.
   */
  parse(
    job: Omit<ParseJob, 'type'>,
    onBatch: (b: FlowBatch) => Promise<void> | undefined | void,
  ): Promise<ParseStats>;
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
  let closing: Promise<void> | undefined;
  return {
    async parse(job, onBatch) {
      const w = await acquire();
      try {
        return await new Promise<ParseStats>((resolve, reject) => {
          // a batch the caller could not take (the store failed) fails the file, but only once the
          // worker is through with it: its later batches are dropped, so none reaches the next job
          let refused: { error: unknown } | undefined;
          // batches the sink took asynchronously: each goes back to the worker once it settles
          // (that holds the worker back, at most MAX_OUT batches), and the file ends after them
          const pending = new Set<Promise<void>>();
          const recycle = (b: FlowBatch) =>
            w.postMessage({ type: 'recycle', batch: b } satisfies ToWorker, batchTransferables(b));
          const onMessage = (m: FromWorker) => {
            switch (m.type) {
              case 'batch': {
                let taken: Promise<void> | undefined | void;
                try {
                  if (refused === undefined) taken = onBatch(m.batch);
                } catch (e) {
                  refused = { error: e };
                }
                if (taken === undefined) {
                  recycle(m.batch);
                  return;
                }
                const p: Promise<void> = taken.then(
                  () => {},
                  (e: unknown) => {
                    refused ??= { error: e };
                  },
                );
                pending.add(p);
                void p.then(() => {
                  pending.delete(p);
                  recycle(m.batch);
                });
                return;
              }
              case 'done': {
                done();
                const stats = m.stats;
                void Promise.all(pending).then(() => {
                  if (refused !== undefined) reject(refused.error);
                  else resolve(stats);
                });
                return;
              }
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
    close() {
      // once: a caller may let the workers go early and again on its way out
      closing ??= Promise.all(all.map((w) => w.terminate())).then(() => undefined);
      return closing;
    },
  };
}
