// flowsight ingest: load flow logs into the store. A progress bar on a terminal, then a summary:
// files, flows stored, files skipped as already ingested, lines rejected by reason with samples.

import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { IngestReport } from '../../app/index.js';
import { runIngest, WRITER_MEMORY_STEPS } from '../../app/index.js';
import type { Io } from '../io.js';
import { count, humanBytes, toJson } from '../output.js';
import { dbOption, parseCount, parseMemoryLimit } from './common.js';

export function ingestCommand(io: Io, setExit: (code: number) => void): Command {
  const cmd = new Command('ingest')
    .description('load flow logs (files, directories, globs, or - for stdin) into the store')
    .argument(
      '<paths...>',
      'flow-log files (gzip or plain text, Parquet, CloudWatch JSON), directories, globs, or -',
    )
    .option(
      '--format <fields>',
      'the flow log\'s format for input without a header line, e.g. "${version} ${vpc-id} ${srcaddr} ..."',
    )
    .option('--json', 'print the summary as one JSON object')
    .option(
      '--workers <n>',
      'parse threads (default: one per core but one, 1 or 2, with the native parser; one per core, at most 3, without it; 0: parse on the thread writing the store)',
    )
    .option(
      '--memory-limit <size>',
      `DuckDB's memory while loading, e.g. 512MB or 2GB (default: ${WRITER_MEMORY_STEPS[0]}, raised step by step to ${WRITER_MEMORY_STEPS.at(-1)} when the data needs it; peak RSS is about this plus 300 MB)`,
    );
  dbOption(cmd);
  cmd.addHelpText(
    'after',
    '\nExamples:\n  flowsight ingest ./AWSLogs\n  flowsight ingest "logs/**/*.log.gz" --db flows.duckdb\n  aws logs tail ... | flowsight ingest - --format "${version} ${account-id} ${interface-id} ${srcaddr} ..."',
  );
  return cmd.action(
    async (
      paths: string[],
      opts: { db: string; format?: string; json?: boolean; workers?: string; memoryLimit?: string },
    ) => {
      const workers = opts.workers === undefined ? undefined : parseCount(opts.workers, '--workers', 0, 16);
      const memoryLimit =
        opts.memoryLimit === undefined ? undefined : parseMemoryLimit(opts.memoryLimit, '--memory-limit');
      const started = Date.now();
      const bar = io.stderr.isTTY && !opts.json ? progressBar(io) : undefined;
      let report: IngestReport;
      try {
        report = await runIngest(
          { db: opts.db, now: io.now },
          {
            inputs: paths,
            stdin: io.stdin,
            ...(opts.format === undefined ? {} : { format: opts.format }),
            ...(workers === undefined ? {} : { workers }),
            ...(memoryLimit === undefined ? {} : { memoryLimit }),
            ...(bar === undefined ? {} : { onProgress: (p) => bar.update(p) }),
          },
        );
      } finally {
        bar?.stop();
      }
      if (report.failed.length > 0) setExit(1);
      io.stdout.write(
        opts.json
          ? `${toJson(jsonSummary(report))}\n`
          : textSummary(report, opts.db, (Date.now() - started) / 1000),
      );
      for (const f of report.failed) {
        io.stderr.write(`error: ${f.error.message}\n${f.error.hint ? `hint: ${f.error.hint}\n` : ''}`);
      }
    },
  );
}

function progressBar(io: Io): {
  update(p: {
    bytesDone: number;
    bytesTotal: number;
    flows: number;
    filesDone: number;
    filesTotal: number;
  }): void;
  stop(): void;
} {
  const bar = new SingleBar({
    format: 'ingest [{bar}] {percentage}% | {files} files | {flows} flows',
    stream: io.stderr as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update(p) {
      const payload = { files: `${p.filesDone}/${p.filesTotal}`, flows: count(p.flows) };
      if (!started) {
        bar.start(Math.max(p.bytesTotal, 1), 0, payload);
        started = true;
      }
      bar.update(p.bytesDone, payload);
    },
    stop: () => bar.stop(),
  };
}

export function jsonSummary(r: IngestReport): Record<string, unknown> {
  return {
    files: r.files,
    flows: r.flows,
    skippedFiles: r.skippedFiles,
    rejected: r.rejected,
    rejectedByReason: r.rejectedByReason,
    samples: r.samples.map((s) => ({
      file: s.file,
      line: s.line,
      reason: s.reason,
      text: s.text,
      ...(s.field === undefined ? {} : { field: s.field, value: s.value }),
    })),
    startAfterEnd: r.startAfterEnd,
    failedFiles: r.failed.map((f) => ({
      file: f.path,
      code: f.error.code,
      message: f.error.message,
      hint: f.error.hint ?? null,
    })),
    ...(r.memoryLimit === undefined ? {} : { memoryLimit: r.memoryLimit }),
    transactions: r.transactions,
    parser: r.parser.native ? 'native' : 'javascript',
  };
}

function textSummary(r: IngestReport, db: string, seconds: number): string {
  const rate = seconds > 0 ? ` (${count(Math.round(r.flows / seconds))} flows/s)` : '';
  const out = [
    `ingested ${count(r.files)} file${r.files === 1 ? '' : 's'}, ${count(r.flows)} flows into ${db} in ${seconds.toFixed(1)} s${rate}`,
  ];
  if (r.memoryLimit !== undefined)
    out.push(
      `the data needed more memory: DuckDB's limit was raised to ${r.memoryLimit} (set it with --memory-limit)`,
    );
  if (r.skippedFiles > 0) {
    out.push(`skipped ${count(r.skippedFiles)} file${r.skippedFiles === 1 ? '' : 's'} already ingested`);
    for (const s of r.skipped.slice(0, 3))
      out.push(`  ${s.path}${s.sameAs !== s.path ? ` (same bytes as ${s.sameAs})` : ''}`);
  }
  if (r.rejected > 0) {
    const reasons = Object.entries(r.rejectedByReason)
      .map(([k, v]) => `${count(v)} ${k}`)
      .join(', ');
    out.push(`rejected ${count(r.rejected)} line${r.rejected === 1 ? '' : 's'}: ${reasons}`);
    for (const s of r.samples)
      out.push(
        `  ${s.file}:${s.line}  ${s.reason}${s.field === undefined ? '' : ` (${s.field} '${s.value}')`}  ${s.text.length > 100 ? `${s.text.slice(0, 97)}...` : s.text}`,
      );
    if (r.rejectedByReason['no-format'] !== undefined) {
      out.push(
        '  hint: lines without a header need the flow log\'s format: --format "${version} ${account-id} ..."',
      );
    }
  }
  if (!r.parser.native && r.flows > 0)
    out.push(`note: lines were parsed in JavaScript, not by the native parser (${r.parser.why})`);
  if (r.startAfterEnd > 0)
    out.push(
      `warning: ${count(r.startAfterEnd)} flows start after they end; kept as they are (clock skew at the source)`,
    );
  if (r.failed.length > 0)
    out.push(
      `failed ${r.failed.length} file${r.failed.length === 1 ? '' : 's'}: nothing of ${r.failed.length === 1 ? 'it' : 'them'} was stored`,
    );
  void humanBytes;
  return `${out.join('\n')}\n`;
}
