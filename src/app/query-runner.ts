// Runs the dashboard's queries on one long-lived read-only engine, one at a time (DuckDB already
// spreads each query over every core), with a bounded queue and a time limit per query: a query
// past its limit is interrupted and answers `query.timeout`, and a full queue `server.busy`.

import type { DuckdbEngine, QueryResult } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { SqlNode } from '../sql/index.js';

export interface QueryLimits {
  /** per query, in milliseconds */
  readonly timeoutMs: number;
  /** queries waiting behind the running one */
  readonly maxQueued: number;
}

export const DEFAULT_LIMITS: QueryLimits = { timeoutMs: 10_000, maxQueued: 32 };
/** The policy check: a few heavy queries in a row, one check at a time. */
export const CHECK_LIMITS: QueryLimits = { timeoutMs: 60_000, maxQueued: 8 };

export function queryRunner(
  engine: DuckdbEngine,
  limits: QueryLimits,
): (node: SqlNode) => Promise<QueryResult> {
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  const once = async (node: SqlNode): Promise<QueryResult> => {
    let timedOut = false;
    let repeat: NodeJS.Timeout | undefined;
    // DuckDB forgets an interrupt that lands while a query is still being prepared, so once past
    // the limit it is repeated until the query stops
    const timer = setTimeout(() => {
      timedOut = true;
      engine.connection.interrupt();
      repeat = setInterval(() => engine.connection.interrupt(), 5);
    }, limits.timeoutMs);
    try {
      return await engine.query(node);
    } catch (e) {
      if (!timedOut) throw e;
      throw new UserError(
        'query.timeout',
        `the query took longer than ${limits.timeoutMs / 1000} s and was stopped`,
        {
          hint: 'choose a shorter time range or a narrower filter',
          cause: e,
        },
      );
    } finally {
      clearTimeout(timer);
      clearInterval(repeat);
    }
  };
  return (node) => {
    if (queued >= limits.maxQueued) {
      return Promise.reject(
        new UserError('server.busy', `${queued} queries are already waiting`, {
          hint: 'try again in a moment',
        }),
      );
    }
    queued++;
    const run = tail.then(() => once(node));
    tail = run.catch(() => undefined).finally(() => queued--);
    return run;
  };
}
