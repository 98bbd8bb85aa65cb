// A growable ASCII byte buffer that records are written into field by field. A million lines
// built as JS strings cost seconds in number formatting and garbage collection; written as
// bytes they cost a fraction, and the file is ready for gzip as it stands.

export interface TextBuffer {
  /** writes the text and a space */
  str(s: string): void;
  /** writes a non-negative integer and a space */
  num(n: number): void;
  /** ends the line: the trailing space becomes a newline */
  end(): void;
  /** bytes written so far */
  readonly length: number;
  /** the text from byte `start` to the end, without the final newline */
  textFrom(start: number): string;
  /** the bytes written (a copy), then empties the buffer */
  take(): Uint8Array;
}

export function createTextBuffer(initial = 1 << 16): TextBuffer {
  let buf = new Uint8Array(initial);
  let pos = 0;
  const room = (n: number): void => {
    if (pos + n <= buf.length) return;
    let size = buf.length * 2;
    while (size < pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(buf.subarray(0, pos));
    buf = next;
  };
  return {
    str(s) {
      room(s.length + 1);
      for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
      buf[pos++] = 32;
    },
    num(n) {
      let len = 1;
      for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
      room(len + 1);
      let p = pos + len;
      let t = n;
      do {
        buf[--p] = 48 + (t % 10);
        t = Math.floor(t / 10);
      } while (t > 0);
      pos += len;
      buf[pos++] = 32;
    },
    end() {
      buf[pos - 1] = 10;
    },
    get length() {
      return pos;
    },
    textFrom(start) {
      return Buffer.from(buf.buffer, buf.byteOffset + start, pos - 1 - start).toString('latin1');
    },
    take() {
      const out = buf.slice(0, pos);
      pos = 0;
      return out;
    },
  };
}
