// Splits a byte stream into top-level JSON values: one document, JSON lines, or payloads
// concatenated back to back (Firehose and S3 exports of CloudWatch subscriptions do that).
// Each value is buffered whole and handed over with the line it starts on; bytes that cannot
// start a value, and a string broken by a raw newline (never valid JSON), are reported as bad
// up to the end of their line, and reading resumes on the next line.

/** A single JSON document larger than this is not a flow-log wrapper. */
export const MAX_JSON_BYTES = 256 << 20;

export interface JsonSink {
  value(bytes: Uint8Array, line: number): void;
  bad(line: number, preview: string): void;
}

export interface JsonSplitter {
  push(chunk: Uint8Array): void;
  end(): void;
}

/** skip: after an oversized value, drop bytes to the end of the line (already reported) */
type State = 'top' | 'value' | 'garbage' | 'skip';

const PREVIEW = 500;
const utf8 = new TextDecoder('utf-8');

export function createJsonSplitter(sink: JsonSink, firstLine = 1): JsonSplitter {
  let line = firstLine;
  let state: State = 'top';
  let doc = new Uint8Array(4096);
  let size = 0;
  let startLine = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;

  const append = (chunk: Uint8Array, s: number, e: number): void => {
    const want = size + (e - s);
    if (want > doc.length) {
      const bigger = new Uint8Array(Math.max(doc.length * 2, want));
      bigger.set(doc.subarray(0, size));
      doc = bigger;
    }
    doc.set(chunk.subarray(s, e), size);
    size = want;
  };
  const preview = (): string => utf8.decode(doc.subarray(0, Math.min(size, PREVIEW)));
  const start = (next: State): void => {
    state = next;
    size = 0;
    startLine = line;
    depth = 0;
    inString = false;
    escaped = false;
  };
  const fail = (): void => {
    sink.bad(startLine, preview());
    state = 'top';
  };

  /** Scans a value from `i`; returns the index after it, or -1 when the chunk ends first. */
  const scanValue = (chunk: Uint8Array, i: number): number => {
    for (; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        else if (c === 10) return -2 - i; // a raw newline inside a string: the value is broken here
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (--depth === 0) return i + 1;
      } else if (c === 10) line++;
    }
    return -1;
  };

  const stepValue = (chunk: Uint8Array, i: number): number => {
    const end = scanValue(chunk, i);
    if (end === -1) {
      append(chunk, i, chunk.length);
      if (size > MAX_JSON_BYTES) {
        fail();
        state = 'skip';
      }
      return chunk.length;
    }
    if (end < -1) {
      const nl = -2 - end;
      append(chunk, i, Math.min(nl, i + PREVIEW));
      fail();
      return nl; // the newline itself is read at the top level
    }
    append(chunk, i, end);
    state = 'top';
    sink.value(doc.subarray(0, size), startLine);
    return end;
  };

  const stepLineRest = (chunk: Uint8Array, i: number): number => {
    let nl = chunk.indexOf(10, i);
    if (nl < 0) nl = chunk.length;
    if (state === 'garbage' && size < PREVIEW) append(chunk, i, Math.min(nl, i + PREVIEW - size));
    if (nl < chunk.length) {
      if (state === 'garbage') fail();
      state = 'top';
    }
    return nl;
  };

  return {
    push(chunk) {
      let i = 0;
      while (i < chunk.length) {
        if (state === 'value') i = stepValue(chunk, i);
        else if (state !== 'top') i = stepLineRest(chunk, i);
        else {
          const c = chunk[i] as number;
          if (c === 10) line++;
          if (c === 32 || c === 9 || c === 13 || c === 10) {
            i++;
            continue;
          }
          start(c === 123 || c === 91 ? 'value' : 'garbage');
        }
      }
    },
    end() {
      // An unfinished value goes out as it is: it fails to parse, and the reader then tries its
      // lines one by one (JSON lines with one truncated line must not lose the lines after it).
      if (state === 'value') sink.value(doc.subarray(0, size), startLine);
      else if (state === 'garbage') fail();
      state = 'top';
    },
  };
}
