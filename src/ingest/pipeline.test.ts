// How the pipeline cuts files into transactions: by the caller's groupFlows, else the sink's
// own wish (the app's hourly rows want smaller ones while they are kept), else its default.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FlowSink, ingest } from './pipeline.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fs-pipeline-'));
  for (let f = 0; f < 6; f++) {
    const lines = Array.from({ length: 100 }, (_, i) => {
      const t = 1_700_000_000 + f * 600 + i;
      return `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.${f}.${i} 10.1.0.1 ${40_000 + i} 443 6 2 120 ${t} ${t + 10} ACCEPT OK`;
    });
    writeFileSync(
      join(dir, `f${f}.log`),
      `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n${lines.join('\n')}\n`,
    );
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A sink that keeps nothing but the files of each committed transaction; `wish` is its groupFlows. */
function recordingSink(wish?: () => number | undefined): { sink: FlowSink; transactions: number[][] } {
  const transactions: number[][] = [];
  let open: number[] | undefined;
  let next = 1;
  const sink: FlowSink = {
    findIngested: () => undefined,
    get inTransaction() {
      return open !== undefined;
    },
    begin: async () => {
      open = [];
    },
    startFile: () => next++,
    append: () => undefined,
    endFile: (id) => open?.push(id),
    commit: async () => {
      transactions.push(open ?? []);
      open = undefined;
    },
    rollback: async () => {
      open = undefined;
    },
    ...(wish === undefined ? {} : { groupFlows: wish }),
  };
  return { sink, transactions };
}

const sizes = (t: number[][]) => t.map((files) => files.length);

describe('transactions of whole files', () => {
  it('holds every file in one transaction by default, at these sizes', async () => {
    const { sink, transactions } = recordingSink();
    const r = await ingest([dir], sink, { workers: 0 });
    expect(r).toMatchObject({ files: 6, flows: 600, transactions: 1 });
    expect(sizes(transactions)).toEqual([6]);
  });

  it("ends each transaction where the sink's wish is reached, asked anew for each", async () => {
    let asked = 0;
    // 150 flows for the first transaction, then 300: files of 100 flows each
    const { sink, transactions } = recordingSink(() => (asked++ === 0 ? 150 : 300));
    const r = await ingest([dir], sink, { workers: 0 });
    expect(r).toMatchObject({ files: 6, flows: 600, transactions: 3 });
    expect(sizes(transactions)).toEqual([2, 3, 1]);
    expect(transactions.flat()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("takes the default when the sink has no wish, and the caller's groupFlows over the sink's", async () => {
    const none = recordingSink(() => undefined);
    await ingest([dir], none.sink, { workers: 0 });
    expect(sizes(none.transactions)).toEqual([6]);
    const both = recordingSink(() => 150);
    await ingest([dir], both.sink, { workers: 0, groupFlows: 300 });
    expect(sizes(both.transactions)).toEqual([3, 3]);
  });
});
