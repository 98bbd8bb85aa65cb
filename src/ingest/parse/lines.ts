// Splits a byte stream into lines on `\n`, whatever the chunk boundaries: a line (or a UTF-8
// character, which never contains the byte `\n`) may span chunks. Only the unfinished line is
// carried, and at most MAX_LINE_BYTES of it, so memory stays bounded however large the input.

/** Flow-log lines are well under 4 KB even with every ECS field; longer is not a flow record. */
export const MAX_LINE_BYTES = 1 << 20;

export interface LineSink {
  line(buf: Uint8Array, s: number, e: number, lineNo: number): void;
  tooLong(buf: Uint8Array, s: number, e: number, lineNo: number): void;
  /**
   * Optional: takes as many whole lines of `buf[s..e)` (e just after a `\n`) as it can in one
   * call; returns where it stopped and how many lines it passed. The line at `pos`, if any, then
   * goes to `line` as usual.
   */
  bulk?(buf: Uint8Array, s: number, e: number): { pos: number; lines: number };
}

export interface LineSplitter {
  push(chunk: Uint8Array): void;
  /** the last line, when the input does not end with `\n` */
  end(): void;
}

/** `firstLine`: the 1-based number of the first line pushed (bytes before it were consumed elsewhere). */
export function createLineSplitter(sink: LineSink, firstLine = 1): LineSplitter {
  let lineNo = firstLine;
  let carry = new Uint8Array(256);
  let carried = 0;
  let overflow = false;

  const keep = (chunk: Uint8Array, s: number, e: number): void => {
    const room = MAX_LINE_BYTES - carried;
    if (e - s > room) overflow = true;
    const take = Math.min(e - s, room);
    if (carried + take > carry.length) {
      const bigger = new Uint8Array(Math.min(MAX_LINE_BYTES, Math.max(carry.length * 2, carried + take)));
      bigger.set(carry.subarray(0, carried));
      carry = bigger;
    }
    carry.set(chunk.subarray(s, s + take), carried);
    carried += take;
  };

  const finish = (buf: Uint8Array, s: number, e: number): void => {
    if (overflow) sink.tooLong(buf, s, Math.min(e, s + 512), lineNo);
    else sink.line(buf, s, e, lineNo);
    lineNo++;
    carried = 0;
    overflow = false;
  };

  return {
    push(chunk) {
      let s = 0;
      const whole = sink.bulk === undefined ? -1 : chunk.lastIndexOf(10) + 1; // the end of the chunk's whole lines
      for (;;) {
        if (s < whole && carried === 0 && !overflow) {
          const r = (sink as Required<LineSink>).bulk(chunk, s, whole);
          s = r.pos;
          lineNo += r.lines;
        }
        const nl = chunk.indexOf(10, s);
        if (nl < 0) break;
        if (carried > 0 || overflow) {
          keep(chunk, s, nl);
          finish(carry, 0, carried);
        } else if (nl - s > MAX_LINE_BYTES) {
          overflow = true;
          finish(chunk, s, nl);
        } else {
          finish(chunk, s, nl);
        }
        s = nl + 1;
      }
      if (s < chunk.length) keep(chunk, s, chunk.length);
    },
    end() {
      if (carried > 0 || overflow) finish(carry, 0, carried);
    },
  };
}
