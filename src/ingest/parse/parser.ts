// createParser: decompressed bytes in, columnar batches out. Sniffs the first non-whitespace
// byte (`{` or `[` means JSON wrappers, anything else text records), then streams: text is read
// line by line with bounded memory; JSON is read value by value.

import type { FlowBatch } from '../../flow/index.js';
import { createBatchWriter } from './batch-writer.js';
import { createJsonSplitter } from './json.js';
import type { Layout } from './layout.js';
import { createLineSplitter } from './lines.js';
import { nativeTextLines } from './native.js';
import { createStructured } from './record-sink.js';
import { createStats, type ParseStats } from './stats.js';
import { createTextLines } from './text.js';
import { createJsonRecords } from './unwrap.js';

export interface ParserOptions {
  /** the file or object name, for reject samples */
  source: string;
  /** the layout of headerless text; a header line in the input replaces it from there on */
  format?: Layout;
  /** flows per batch (default 32768) */
  batchSize?: number;
  /** where batches come from (a pool, so a run reuses a few instead of allocating one per file) */
  allocate?: (capacity: number) => FlowBatch;
  /** rejections kept as samples (default 10) */
  maxSamples?: number;
  /** read text lines with the native addon when it is built (default true; see native.ts) */
  native?: boolean;
}

export interface Parser {
  /** any chunk boundaries: a line or a UTF-8 character may span chunks */
  push(chunk: Uint8Array): void;
  /** reads the last partial line or value and hands over the last partial batch */
  end(): void;
  readonly stats: ParseStats;
}

const BOM = [0xef, 0xbb, 0xbf];

export function createParser(opts: ParserOptions, onBatch: (b: FlowBatch) => void): Parser {
  const rec = createStats(opts.source, opts.maxSamples);
  const w = createBatchWriter(
    opts.batchSize ?? 32768,
    rec.stats,
    onBatch,
    opts.allocate,
    opts.native === false ? undefined : nativeTextLines(),
  );
  const text = createTextLines(w, rec, opts.format);
  let stream: { push(chunk: Uint8Array): void; end(): void } | undefined;
  let offset = 0; // bytes seen while sniffing, to skip a UTF-8 byte-order mark
  let line = 1; // newlines skipped while sniffing
  let ended = false;

  /** Skips leading whitespace (and a BOM); picks the reader at the first other byte. */
  const sniff = (chunk: Uint8Array): number => {
    for (let i = 0; i < chunk.length; i++, offset++) {
      const c = chunk[i] as number;
      if (c === 10) line++;
      if (c === 10 || c === 13 || c === 32 || c === 9 || (offset < 3 && c === BOM[offset])) continue;
      if (c === 123 || c === 91) {
        stream = createJsonSplitter(createJsonRecords(text, createStructured(w, rec), rec), line);
      } else {
        stream = createLineSplitter(
          {
            line: (b, s, e, n) => text.line(b, s, e, n, true),
            tooLong: text.tooLong,
            ...(w.native === undefined ? {} : { bulk: text.bulk }),
          },
          line,
        );
      }
      return i;
    }
    return chunk.length;
  };

  return {
    push(chunk) {
      if (ended) throw new Error('chunk pushed after end()');
      if (stream === undefined) {
        const at = sniff(chunk);
        if (stream === undefined) return;
        chunk = chunk.subarray(at);
      }
      stream.push(chunk);
    },
    end() {
      if (ended) return;
      ended = true;
      stream?.end();
      w.flush();
    },
    stats: rec.stats,
  };
}
