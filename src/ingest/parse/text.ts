// Text records: one line -> one flow. Splits tokens at the byte level, recognises header lines,
// picks the layout (header, given format, or the default formats when every token validates),
// and writes each token through its field's compiled handler. A line is only mapped by position
// when its token count equals the layout's field count (rules 1, 4, 5).

import { columnByAws } from '../../flow/index.js';
import type { BatchWriter, Slot } from './batch-writer.js';
import { compileField, type FieldHandler } from './fields.js';
import { DEFAULT_TGW_LAYOUT, DEFAULT_VPC_LAYOUT, type Layout, layoutOf } from './layout.js';
import { addNativeLayout } from './native.js';
import { asciiString, decodeText } from './scan.js';
import type { RejectReason, StatsRecorder } from './stats.js';

export interface TextLines {
  /** one line `buf[s..e)` without its `\n`; `headers` is false for wrapped messages, which never carry one */
  line(buf: Uint8Array, s: number, e: number, lineNo: number, headers: boolean): void;
  /** a line over the length limit: only its first bytes were kept */
  tooLong(buf: Uint8Array, s: number, e: number, lineNo: number): void;
  /**
   * Whole lines `buf[s..e)` (e just after a `\n`) through the native path, as far as it can go:
   * returns where it stopped (the start of a line `line` must read, or e) and the lines passed.
   */
  bulk(buf: Uint8Array, s: number, e: number): { pos: number; lines: number };
}

interface Compiled {
  readonly handlers: readonly FieldHandler[];
  /** field names in layout order, to say which token was invalid */
  readonly names: readonly string[];
  /** positions of unknown fields and their names, for `extra` */
  readonly unknown: readonly (readonly [number, string])[];
  readonly touched: readonly Slot[];
  readonly kind: number;
  /** the native path's id of this layout; -1 when it has unknown fields or the path is off */
  readonly native: number;
}

const UNKNOWN: FieldHandler = () => true;
const MAX_LAYOUTS = 64;

/** undefined: the line became a flow; otherwise why it was rejected */
type Outcome = RejectReason | undefined;

function compile(layout: Layout, w: BatchWriter): Compiled {
  const handlers: FieldHandler[] = [];
  const unknown: [number, string][] = [];
  const touched: Slot[] = [];
  layout.fields.forEach((f, i) => {
    if (f.column === undefined) {
      handlers.push(UNKNOWN);
      unknown.push([i, f.name]);
      return;
    }
    const c = compileField(f.column, w);
    handlers.push(c.handle);
    touched.push(...c.slots);
  });
  const kind = layout.kind === 'tgw' ? 1 : 0;
  const n = w.native;
  return {
    handlers,
    names: layout.fields.map((f) => f.name),
    unknown,
    touched,
    kind,
    native:
      n === undefined
        ? -1
        : addNativeLayout(
            n.m,
            n.state,
            layout.fields.map((f) => f.column),
            kind,
          ),
  };
}

// Most bytes are above 32, so one comparison settles them.
const isSpace = (c: number): boolean => c <= 32 && (c === 32 || c === 9 || c === 13);
/** a-z, and for later bytes 0-9 and `-`: the shape of a field name */
const isNameStart = (c: number): boolean => c >= 97 && c <= 122;
const isNameByte = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57) || c === 45;

export function createTextLines(w: BatchWriter, rec: StatsRecorder, format: Layout | undefined): TextLines {
  let badField: { field: string; value: string } | undefined;
  let starts = new Int32Array(64);
  let ends = new Int32Array(64);
  const cache = new Map<string, Compiled>();
  const compiled = (l: Layout): Compiled => {
    let c = cache.get(l.text);
    if (c === undefined) {
      if (cache.size >= MAX_LAYOUTS) {
        // only hostile input has this many headers
        cache.clear();
        if (w.native !== undefined) w.native.m.clearLayouts(w.native.state);
        if (current !== undefined && current !== 'bad') current = { ...current, native: -1 };
      }
      c = compile(l, w);
      cache.set(l.text, c);
    }
    return c;
  };
  /** undefined: no header yet and no format; 'bad': the last header was unusable */
  let current: Compiled | 'bad' | undefined = format === undefined ? undefined : compiled(format);

  const grow = (size: number): void => {
    const [s0, e0] = [starts, ends];
    starts = new Int32Array(size);
    ends = new Int32Array(size);
    starts.set(s0.subarray(0, Math.min(size, s0.length)));
    ends.set(e0.subarray(0, Math.min(size, e0.length)));
  };

  const tokenize = (buf: Uint8Array, s: number, e: number): number => {
    let n = 0;
    let i = s;
    for (;;) {
      while (i < e && isSpace(buf[i] as number)) i++;
      if (i >= e) return n;
      if (n === starts.length) grow(n * 2);
      starts[n] = i;
      while (i < e && !isSpace(buf[i] as number)) i++;
      ends[n++] = i;
    }
  };

  /** The names of a header line: every token name-shaped and at least one a field we know. */
  const headerNames = (buf: Uint8Array, n: number): string[] | undefined => {
    if (!isNameStart(buf[starts[0] as number] as number)) return undefined; // records usually start with a digit
    for (let t = 0; t < n; t++) {
      const s = starts[t] as number;
      if (!isNameStart(buf[s] as number)) return undefined;
      for (let i = s + 1; i < (ends[t] as number); i++) if (!isNameByte(buf[i] as number)) return undefined;
    }
    const names = Array.from({ length: n }, (_, t) =>
      asciiString(buf, starts[t] as number, ends[t] as number),
    );
    return names.some((name) => columnByAws(name) !== undefined) ? names : undefined;
  };

  /**
   * Writes one line through a layout in a single pass: tokens are found and handled together,
   * and the row is rolled back unless the count matches and every token validates.
   */
  const write = (c: Compiled, buf: Uint8Array, s: number, e: number): Outcome => {
    const row = w.row;
    const handlers = c.handlers;
    const n = handlers.length;
    if (starts.length < n) grow(n);
    let i = s;
    let invalid = false;
    let bad = -1;
    for (let t = 0; t < n; t++) {
      while (i < e && isSpace(buf[i] as number)) i++;
      if (i >= e) return fail(c, 'field-count');
      const ts = i;
      while (i < e && !isSpace(buf[i] as number)) i++;
      starts[t] = ts;
      ends[t] = i;
      if (invalid || (i - ts === 1 && buf[ts] === 45)) continue; // `-` is NULL for every type (rule 2)
      if (!(handlers[t] as FieldHandler)(buf, ts, i, row)) {
        invalid = true;
        bad = t;
      }
    }
    while (i < e && isSpace(buf[i] as number)) i++;
    if (i < e) return fail(c, 'field-count');
    if (invalid) {
      // only on failure: which field, and the token it could not read, for the sample
      badField = {
        field: c.names[bad] as string,
        value: decodeText(buf, starts[bad] as number, ends[bad] as number),
      };
      return fail(c, 'invalid-value');
    }
    if (c.unknown.length > 0) w.setExtra(extraOf(c, buf));
    w.commit(c.kind);
    return undefined;
  };
  const fail = (c: Compiled, reason: RejectReason): Outcome => {
    w.rollback(c.touched);
    return reason;
  };
  const extraOf = (c: Compiled, buf: Uint8Array): string => {
    const extra: Record<string, string | null> = {};
    for (const [t, name] of c.unknown) {
      const s = starts[t] as number;
      const e = ends[t] as number;
      extra[name] = e - s === 1 && buf[s] === 45 ? null : decodeText(buf, s, e);
    }
    return JSON.stringify(extra);
  };

  const defaults = [compiled(DEFAULT_VPC_LAYOUT), compiled(DEFAULT_TGW_LAYOUT)] as const;
  /** No layout known: only a line that fully validates as a default-format record is taken. */
  const guess = (buf: Uint8Array, s: number, e: number): Outcome => {
    const vpc = write(defaults[0], buf, s, e);
    if (vpc === undefined) return undefined;
    if (vpc === 'field-count' && write(defaults[1], buf, s, e) === undefined) return undefined;
    return 'no-format';
  };

  /** A line starting with a lower-case word may be a header: the full check tokenises it. */
  const header = (buf: Uint8Array, s: number, e: number): Layout | 'bad' | undefined => {
    if (!isNameStart(buf[s] as number)) return undefined; // records usually start with a digit
    const names = headerNames(buf, tokenize(buf, s, e));
    if (names === undefined) return undefined;
    const layout = layoutOf(names);
    return typeof layout === 'string' ? 'bad' : layout;
  };

  const out = new Float64Array(4);
  return {
    bulk(buf, s, e) {
      const c = current;
      if (c === undefined || c === 'bad' || c.native < 0) return { pos: s, lines: 0 };
      let pos = s;
      let lines = 0;
      for (;;) {
        const status = w.bulk(c.native, buf, pos, e, out);
        pos = out[0] as number;
        lines += out[1] as number;
        rec.stats.lines += out[2] as number;
        if (status !== 2 || pos >= e) return { pos, lines };
      }
    },
    line(buf, s, e, lineNo, headers) {
      while (s < e && isSpace(buf[s] as number)) s++;
      if (s === e) return;
      const h = headers ? header(buf, s, e) : undefined;
      if (h === 'bad') current = 'bad';
      else if (h !== undefined) {
        current = compiled(h);
        return;
      }
      rec.stats.lines++;
      let reason: Outcome;
      if (current === 'bad') reason = 'bad-header';
      else if (current === undefined) reason = guess(buf, s, e);
      else reason = write(current, buf, s, e);
      if (reason !== undefined)
        rec.reject(
          reason,
          lineNo,
          () => decodeText(buf, s, e),
          reason === 'invalid-value' ? badField : undefined,
        );
    },
    tooLong(buf, s, e, lineNo) {
      rec.stats.lines++;
      rec.reject('line-too-long', lineNo, () => decodeText(buf, s, e));
    },
  };
}
