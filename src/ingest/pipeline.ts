// source -> parse -> sink, file by file. Whole files are committed in groups (one commit per
// file cost more than parsing it); a file that fails is rolled back with its group, and the
// group's good files are read again. Counters: files, flows, skipped files, rejected lines by
// reason with samples, failed files.

import { UserError } from '../errors.js';
import { createBatchPool } from '../flow/index.js';
import type { ParseStats } from './parse/index.js';
import { readInput } from './read-input.js';
import { expandInputs, type InputFile } from './sources/file.js';
import type { FlowSink, IngestOptions, IngestReport } from './types.js';

export type { FlowSink, IngestOptions, IngestProgress, IngestReport } from './types.js';

/** Commit after this many flows or files: a commit costs ~30 ms, and a killed run redoes at most this much. */
const GROUP_FLOWS = 2_000_000;
const GROUP_FILES = 500;

function emptyReport(): IngestReport {
  return {
    files: 0,
    flows: 0,
    skippedFiles: 0,
    skipped: [],
    rejected: 0,
    rejectedByReason: {},
    samples: [],
    startAfterEnd: 0,
    failed: [],
  };
}

function addStats(r: IngestReport, s: ParseStats, maxSamples: number): void {
  r.flows += s.flows;
  r.rejected += s.rejected;
  r.startAfterEnd += s.startAfterEnd;
  for (const [k, v] of Object.entries(s.rejectedByReason))
    r.rejectedByReason[k] = (r.rejectedByReason[k] ?? 0) + v;
  for (const x of s.samples) if (r.samples.length < maxSamples) r.samples.push(x);
}

/** Ingests every input; a file that fails is reported, nothing of it is stored, and the rest go on. */
export async function ingest(
  inputs: readonly string[],
  sink: FlowSink,
  opts: IngestOptions = {},
): Promise<IngestReport> {
  const files = await expandInputs(inputs, opts.exclude);
  opts = { ...opts, pool: opts.pool ?? createBatchPool() };
  const report = emptyReport();
  const maxSamples = opts.maxSamples ?? 10;
  const bytesTotal = files.reduce((n, f) => n + (f.kind === 'file' ? f.size : 0), 0);
  let bytesDone = 0;
  let flowsDone = 0;
  // files parsed into the open transaction, with their stats: counted only once committed
  let group: { file: InputFile; hash: string; size: number; stats: ParseStats }[] = [];
  const commit = async () => {
    if (!sink.inTransaction) return;
    await sink.commit();
    for (const g of group) {
      addStats(report, g.stats, maxSamples);
      report.files++;
    }
    group = [];
  };
  for (const [i, f] of files.entries()) {
    const progress = (n: number) => {
      bytesDone += n;
      opts.onProgress?.({
        file: f.path,
        filesDone: i,
        filesTotal: files.length,
        bytesDone,
        bytesTotal,
        flows: flowsDone,
      });
    };
    try {
      const r = await readInput(f, sink, opts, progress);
      if (r.kind === 'skipped') {
        report.skippedFiles++;
        report.skipped.push({ path: f.path, sameAs: r.sameAs });
        continue;
      }
      group.push({ file: f, ...r.parsed });
      flowsDone += r.parsed.stats.flows;
      if (group.length >= GROUP_FILES || group.reduce((n, g) => n + g.stats.flows, 0) >= GROUP_FLOWS)
        await commit();
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      report.failed.push({ path: f.path, error: e });
      group = await replay(group, sink, opts);
    }
  }
  await commit();
  return report;
}

/**
 * A file failed inside a transaction holding earlier good files: roll back, then parse those
 * again into a fresh transaction (DuckDB has no savepoints). Only happens on bad input.
 */
async function replay(
  group: { file: InputFile; hash: string; size: number; stats: ParseStats }[],
  sink: FlowSink,
  opts: IngestOptions,
) {
  if (sink.inTransaction) await sink.rollback();
  const again: typeof group = [];
  for (const g of group) {
    if (g.file.kind !== 'file') continue; // stdin cannot be read twice; it always commits alone
    const r = await readInput(g.file, sink, opts, () => {});
    if (r.kind === 'parsed') again.push({ file: g.file, ...r.parsed });
  }
  return again;
}
