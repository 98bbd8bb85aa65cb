// What a JSON value holds (rule 11): a CloudWatch Logs subscription payload (its events'
// messages are text records), a `{"message": "..."}` line from a CloudWatch export, a
// structured record keyed by field names, or an array of any of these. Anything else is
// counted as `unknown-json`; JSON that does not parse as `bad-json`. Nothing here throws.

import { columnBySql } from '../../flow/index.js';
import type { JsonSink } from './json.js';
import type { FlowRecord, StructuredRecords } from './record-sink.js';
import type { StatsRecorder } from './stats.js';
import type { TextLines } from './text.js';

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

type Obj = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function createJsonRecords(
  text: TextLines,
  structured: StructuredRecords,
  rec: StatsRecorder,
): JsonSink {
  const unknown = (v: unknown, line: number): void => {
    rec.stats.lines++;
    rec.reject('unknown-json', line, () => show(v));
  };

  /** A wrapped message is one record (or, rarely, several lines); it never carries a header. */
  const message = (m: string, line: number): void => {
    const bytes = encoder.encode(m);
    let s = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, s)) {
      text.line(bytes, s, nl, line, false);
      s = nl + 1;
    }
    text.line(bytes, s, bytes.length, line, false);
  };

  const cloudWatch = (o: Obj, line: number): void => {
    // CONTROL_MESSAGE payloads only check that the destination is reachable: no records.
    if (o.messageType === 'CONTROL_MESSAGE') return;
    if (o.messageType !== 'DATA_MESSAGE' || !Array.isArray(o.logEvents)) {
      unknown(o, line);
      return;
    }
    for (const ev of o.logEvents as unknown[]) {
      if (isObject(ev) && typeof ev.message === 'string') message(ev.message, line);
      else unknown(ev, line);
    }
  };

  const handle = (v: unknown, line: number): void => {
    if (Array.isArray(v)) for (const item of v) handle(item, line);
    else if (!isObject(v)) unknown(v, line);
    else if (typeof v.messageType === 'string') cloudWatch(v, line);
    else if (typeof v.message === 'string') message(v.message, line);
    else if (typeof v['@message'] === 'string')
      message(v['@message'], line); // Logs Insights results
    else if (Object.keys(v).some((k) => columnBySql(k) !== undefined)) structured.push(v as FlowRecord, line);
    else unknown(v, line);
  };

  const bad = (line: number, preview: string): void => {
    rec.stats.lines++;
    rec.reject('bad-json', line, () => preview);
  };

  /**
   * A multi-line value that does not parse may be JSON lines where one line is broken and
   * swallowed the lines after it: each line that parses alone is read, and each run of lines
   * that do not is one `bad-json`.
   */
  const recover = (bytes: Uint8Array, line: number): void => {
    const lines = utf8.decode(bytes).split('\n');
    let run: { line: number; text: string } | undefined;
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      const v = parseLine(text);
      if (v === undefined) run ??= { line: line + i, text };
      else {
        if (run !== undefined) bad(run.line, run.text);
        run = undefined;
        handle(v, line + i);
      }
    });
    if (run !== undefined) bad(run.line, run.text);
  };

  return {
    value(bytes, line) {
      let v: unknown;
      try {
        v = JSON.parse(utf8.decode(bytes));
      } catch {
        if (bytes.includes(10)) recover(bytes, line);
        else bad(line, utf8.decode(bytes.subarray(0, 2000)));
        return;
      }
      handle(v, line);
    },
    bad,
  };
}

/** A line that is a JSON object or array on its own, else undefined. */
function parseLine(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}
