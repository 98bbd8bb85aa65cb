// Where records go: the sink every path writes to. It routes a record to its flow log's
// buffer for the current file period, formats it once, feeds the tally, and carries out the
// two planted delivery faults: #6 is asserted (a record on the silent attachment is a bug) and
// #7 drops the degraded log's records, remembering the ENIs for its SKIPDATA lines.

import type { Sink } from './paths.js';
import { inSpan, type Plan } from './plan.js';
import { type DemoRecord, FIELDS, type FormatContext, writeRecord } from './records.js';
import type { Tally } from './tally.js';
import { createTextBuffer, type TextBuffer } from './text.js';
import type { Eni, FlowLog, Topology } from './topology.js';
import type { Evidence } from './truth.js';

export interface Collector {
  /** tagged sinks: sinks[0] is background, sinks[n] plants violation #n */
  readonly sinks: readonly Sink[];
  /** records routed so far (including the ones a degraded log dropped) */
  routed: number;
  /** start a minute (index from the run's start) */
  minute(m: number): void;
  /** start a file period: its S3 key per flow log */
  period(keys: readonly string[]): void;
  /** the period's file text per flow log (header first; null when it has no records), then cleared */
  drain(): readonly ({ readonly text: Uint8Array; readonly records: number } | null)[];
  /** ENIs of a VPC log that carried records this minute */
  used(log: FlowLog): ReadonlySet<Eni>;
  /** ENIs whose records the degraded log dropped this minute */
  dropped(): ReadonlySet<Eni>;
  /** is this log delivering nothing at all (#7 gap) or only NODATA/SKIPDATA (#7 window)? */
  degraded(log: FlowLog): 'window' | 'gap' | null;
  /** write a record straight to its log, bypassing #7 (for NODATA/SKIPDATA lines) */
  write(r: DemoRecord, planted: number): void;
  /** #6 evidence: the last record on the silent attachment before the silence, the first after */
  silenceEvidence(): readonly Evidence[];
}

export function createCollector(topo: Topology, plan: Plan, tally: Tally): Collector {
  const tgwLog = topo.logs.find((l) => l.format === 'tgw-36') as FlowLog;
  const ctx: FormatContext = {
    tgwId: topo.tgwId,
    tgwAccount: topo.tgwAccount,
    awsService: topo.internet.awsService,
  };
  const silent = plan.silence.vpc.attachment;
  const buffers: TextBuffer[] = topo.logs.map(() => createTextBuffer());
  const counts: number[] = topo.logs.map(() => 0);
  const usedBy: Set<Eni>[] = topo.logs.map(() => new Set());
  const droppedEnis = new Set<Eni>();
  let keys: readonly string[] = [];
  let minute = 0;
  let before: Evidence | undefined;
  let after: Evidence | undefined;

  const logOf = (r: DemoRecord): FlowLog | null => (r.kind === 'tgw' ? tgwLog : r.eni.log);
  const write = (r: DemoRecord, planted: number, log: FlowLog): void => {
    const out = buffers[log.index] as TextBuffer;
    if (out.length === 0) {
      for (const f of FIELDS[log.format]) out.str(f);
      out.end();
    }
    const from = out.length;
    writeRecord(out, r, log.format, ctx);
    counts[log.index] = (counts[log.index] as number) + 1;
    const key = keys[log.index] as string;
    tally.add(r, log.format, () => out.textFrom(from), key, planted);
    if (r.kind === 'vpc') (usedBy[log.index] as Set<Eni>).add(r.eni);
    else if (r.at === silent || r.srcAtt === silent || r.dstAtt === silent) {
      if (inSpan(plan.silence.at, minute))
        throw new Error(`bug: a TGW record on ${silent.id} during its planted silence`);
      // heartbeats cross every minute, so the minute just before the silence holds the last record
      if (minute === plan.silence.at.from - 1) before = { key, line: out.textFrom(from) };
      else if (minute >= plan.silence.at.to) after ??= { key, line: out.textFrom(from) };
    }
  };
  const degraded = (log: FlowLog): 'window' | 'gap' | null => {
    if (log !== plan.degraded.log) return null;
    if (inSpan(plan.degraded.window, minute)) return 'window';
    return inSpan(plan.degraded.gap, minute) ? 'gap' : null;
  };
  const emit = (r: DemoRecord, planted: number): void => {
    const log = logOf(r);
    if (log === null) return;
    collector.routed++;
    const state = degraded(log);
    if (state === 'window' && r.kind === 'vpc') droppedEnis.add(r.eni);
    if (state === null) write(r, planted, log);
  };
  const collector: Collector = {
    sinks: Array.from({ length: 10 }, (_, id) => ({ emit: (r: DemoRecord) => emit(r, id) })),
    routed: 0,
    minute(m) {
      minute = m;
      for (const s of usedBy) s.clear();
      droppedEnis.clear();
    },
    period(k) {
      keys = k;
    },
    drain() {
      return buffers.map((b, i) => {
        const records = counts[i] as number;
        counts[i] = 0;
        return records === 0 ? null : { text: b.take(), records };
      });
    },
    used: (log) => usedBy[log.index] as Set<Eni>,
    dropped: () => droppedEnis,
    degraded,
    write(r, planted) {
      const log = logOf(r);
      if (log !== null) write(r, planted, log);
    },
    silenceEvidence: () => [before, after].filter((e): e is Evidence => e !== undefined),
  };
  return collector;
}
