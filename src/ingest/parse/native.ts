// The text parser's native fast path (native/text-lines.cc, a Node-API addon that `npm ci`
// builds with node-gyp): whole lines of a known layout go from bytes straight into the batch's
// typed arrays. It takes only lines it can finish and hands every other one back to text.ts,
// which reads, rejects or treats it as a header exactly as before, so results never depend on
// whether the addon is there. Without it (no compiler at install, or FLOWSIGHT_NATIVE=0) the
// JavaScript parser does everything, about 5x slower per line.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CORE_COLUMNS,
  type Column,
  columnByAws,
  type FlowBatch,
  physicalWidth,
  type ReorderStage,
  routeBatch,
  STORAGE_COLUMNS,
  type Stage,
  storageColumnsOf,
} from '../../flow/index.js';

/** An opaque parser state owned by the addon. */
export type NativeState = { readonly __native: unique symbol };

export interface NativeTextLines {
  create(
    columns: number,
    status: number,
    packets: number,
    bytes: number,
    action: number,
    start: number,
    end: number,
    okIndex: number,
  ): NativeState;
  /** spec: [kind, n, (type, storage index, second storage index or -1) x n]; words: each field's enum values, lower case */
  addLayout(state: NativeState, spec: Int32Array, words: readonly (readonly string[])[]): number;
  clearLayouts(state: NativeState): void;
  bind(
    state: NativeState,
    data: readonly ArrayBufferView[],
    valid: readonly Uint8Array[],
    kind: Uint8Array,
    strings: string[],
    capacity: number,
  ): void;
  dictId(state: NativeState, buf: Uint8Array, s: number, e: number): number;
  /** see Parse in text-lines.cc: 0 read all, 1 stopped at a line for JavaScript, 2 wrote `room` rows */
  parse(
    state: NativeState,
    layout: number,
    buf: Uint8Array,
    s: number,
    e: number,
    row: number,
    room: number,
    out: Float64Array,
  ): number;
}

/** Built by `npm ci` (the package's install script) in the package root. */
const ADDON = join('build', 'Release', 'flowsight_text_lines.node');

/** The addon in the nearest folder above this file that has it: the package root from src/, dist/ or a copy of dist/ inside the package. */
function findAddon(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 8; up++) {
    const candidate = join(dir, ADDON);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

let loaded: NativeTextLines | null | undefined;
let loadError: string | undefined;

/** The addon, or undefined when it is not built or FLOWSIGHT_NATIVE=0 turns it off. */
export function nativeTextLines(): NativeTextLines | undefined {
  if (loaded === undefined) {
    if (process.env.FLOWSIGHT_NATIVE === '0') {
      loaded = null;
      loadError = 'turned off by FLOWSIGHT_NATIVE=0';
    } else {
      const path = findAddon();
      try {
        if (path === undefined)
          throw new Error(
            `${ADDON} was not built (npm ci builds it with node-gyp: it needs g++, make and python3)`,
          );
        loaded = createRequire(import.meta.url)(path) as NativeTextLines;
      } catch (e) {
        loaded = null;
        loadError = (e as Error).message;
      }
    }
  }
  return loaded ?? undefined;
}

/** Why the addon is not in use (undefined when it is). */
export function nativeTextLinesProblem(): string | undefined {
  nativeTextLines();
  return loadError;
}

const TYPE_CODE: Readonly<Record<Column['type'], number>> = {
  u8: 1,
  u16: 2,
  i64: 3,
  time: 4,
  ip: 5,
  enum: 6,
  string: 7,
};

const STORAGE_INDEX = new Map(STORAGE_COLUMNS.map((s, i) => [s.name, i]));

function storageIndex(c: Column, k: number): number {
  const s = storageColumnsOf(c)[k];
  return s === undefined ? -1 : (STORAGE_INDEX.get(s.name) ?? -1);
}

function indexOfAws(aws: string): number {
  const c = columnByAws(aws);
  if (c === undefined) throw new Error(`no column ${aws}`);
  return storageIndex(c, 0);
}

/** A new addon state for one batch writer. */
export function createNativeState(m: NativeTextLines): NativeState {
  return m.create(
    STORAGE_COLUMNS.length,
    indexOfAws('log-status'),
    indexOfAws('packets'),
    indexOfAws('bytes'),
    indexOfAws('action'),
    indexOfAws('start'),
    indexOfAws('end'),
    columnByAws('log-status')?.values?.indexOf('OK') ?? 0,
  );
}

/** The addon's id for a layout of known fields, or -1 when a field is unknown (its values go to `extra`). */
export function addNativeLayout(
  m: NativeTextLines,
  state: NativeState,
  columns: readonly (Column | undefined)[],
  kind: number,
): number {
  if (columns.some((c) => c === undefined)) return -1;
  const spec = new Int32Array(2 + columns.length * 3);
  spec[0] = kind;
  spec[1] = columns.length;
  const words: string[][] = [];
  columns.forEach((c, f) => {
    const col = c as Column;
    spec[2 + f * 3] = TYPE_CODE[col.type];
    spec[3 + f * 3] = storageIndex(col, 0);
    spec[4 + f * 3] = col.type === 'ip' ? storageIndex(col, 1) : -1;
    words.push(col.type === 'enum' ? (col.values ?? []).map((v) => v.toLowerCase()) : []);
  });
  return m.addLayout(state, spec, words);
}

/** The addon's routeBatch (native/route-batch.cc): the same result as flow/route-batch.ts. */
interface NativeRoute {
  route(
    spec: Int32Array,
    data: readonly ArrayBufferView[],
    valid: readonly Uint8Array[],
    kind: Uint8Array,
    extraRows: Uint32Array,
    n: number,
    dur: Uint16Array,
    hasPkt: Uint8Array,
    order: Uint32Array,
  ): number;
}

let routeSpec: Int32Array | undefined;

function routeSpecOf(): Int32Array {
  if (routeSpec !== undefined) return routeSpec;
  const at = (name: string): number => {
    const i = STORAGE_INDEX.get(name);
    if (i === undefined) throw new Error(`no storage column ${name}`);
    return i;
  };
  const core = new Set(CORE_COLUMNS.map((s) => s.name));
  const wideOnly = STORAGE_COLUMNS.filter(
    (s) => !core.has(s.name) && !['end', 'pkt_srcaddr_v4', 'pkt_dstaddr_v4'].includes(s.name),
  ).map((s) => at(s.name));
  routeSpec = Int32Array.from([
    at('interface_id'),
    at('start'),
    at('end'),
    at('srcaddr_v4'),
    at('dstaddr_v4'),
    at('pkt_srcaddr_v4'),
    at('pkt_dstaddr_v4'),
    wideOnly.length,
    ...wideOnly,
    ...STORAGE_COLUMNS.map((s) => physicalWidth(s.physical)),
  ]);
  return routeSpec;
}

let order = new Uint32Array(0);

/** flow/route-batch.ts's routeBatch, by the addon when it is built. */
export function route(b: FlowBatch): void {
  if (!nativeRouteBatch(b)) routeBatch(b);
}

/**
 * routeBatch by the addon; false when it is not built (the caller routes in JavaScript). The
 * rows' unknown fields (`extra`, rare) are moved here, by the order the addon wrote.
 */
export function nativeRouteBatch(b: FlowBatch): boolean {
  const m = nativeTextLines() as (NativeTextLines & Partial<NativeRoute>) | undefined;
  if (m?.route === undefined) return false;
  const n = b.length;
  if (order.length < n) order = new Uint32Array(Math.max(n, 1024));
  const extraRows = Uint32Array.from(b.extra.keys());
  b.coreLength = m.route(
    routeSpecOf(),
    STORAGE_COLUMNS.map((s) => b.data[s.name] as ArrayBufferView),
    STORAGE_COLUMNS.map((s) => b.valid[s.name] as Uint8Array),
    b.kind,
    extraRows,
    n,
    b.dur,
    b.hasPkt,
    order,
  );
  if (b.extra.size > 0 && n > 1) {
    const old = new Map(b.extra);
    b.extra.clear();
    for (let i = 0; i < n; i++) {
      const e = old.get(order[i] as number);
      if (e !== undefined) b.extra.set(i, e);
    }
  }
  return true;
}

/** The addon's gunzip (native/gunzip.cc). */
interface NativeGunzipModule {
  gunzipCreate(): object;
  gunzip(
    state: object,
    input: Uint8Array,
    from: number,
    to: number,
    output: Uint8Array,
    result: Float64Array,
  ): void;
  gunzipEnded(state: object): boolean;
}

export interface Gunzip {
  /**
   * Inflates `input[from..]` until it is used up or the output buffer is full. Returns the input
   * bytes used and the text made, in a buffer reused by the next call: copy what you keep.
   * Throws zlib's message on corrupt data.
   */
  step(input: Uint8Array, from: number): { used: number; text: Uint8Array };
  /** the input ended: throws when it ended inside a member */
  end(): void;
}

/**
 * A gunzip that writes into one reused buffer (no Buffer per chunk and no stream), or undefined
 * when the addon is not built. Multi-member files and zero padding as Node's createGunzip reads them.
 */
export function nativeGunzip(outputBytes = 1 << 18): Gunzip | undefined {
  const m = nativeTextLines() as (NativeTextLines & Partial<NativeGunzipModule>) | undefined;
  if (m?.gunzip === undefined || m.gunzipCreate === undefined || m.gunzipEnded === undefined)
    return undefined;
  const { gunzip, gunzipEnded } = m as NativeGunzipModule;
  const state = m.gunzipCreate();
  const output = new Uint8Array(outputBytes);
  const result = new Float64Array(2);
  let any = false;
  return {
    step(input, from) {
      if (from < input.length) any = true;
      gunzip(state, input, from, input.length, output, result);
      return { used: result[0] as number, text: output.subarray(0, result[1] as number) };
    },
    end() {
      if (any && !gunzipEnded(state)) throw new Error('unexpected end of file');
    },
  };
}

interface NativeStageOrder {
  reorderStage(
    n: number,
    keys: Int32Array,
    data: readonly Uint8Array[],
    widths: Int32Array,
    valid: readonly (Uint8Array | undefined)[],
    perm: Uint32Array,
  ): void;
}

/**
 * The addon's ReorderStage (flow/stage-order.ts is its reference), or undefined when the addon is
 * not in use: the writer then inserts stages as the batches came (each ordered by sortBatch).
 */
export function nativeReorderStage(): ReorderStage | undefined {
  const m = nativeTextLines() as (NativeTextLines & Partial<NativeStageOrder>) | undefined;
  const reorder = m?.reorderStage;
  if (reorder === undefined) return undefined;
  let perm = new Uint32Array(0);
  return (stage: Stage) => {
    if (perm.length < stage.n) perm = new Uint32Array(stage.n);
    reorder.call(
      m,
      stage.n,
      Int32Array.of(stage.iface, stage.src, stage.dst),
      stage.columns.map((c) => c.data),
      Int32Array.from(stage.columns, (c) => c.width),
      stage.columns.map((c) => c.valid),
      perm,
    );
    return perm.subarray(0, stage.n);
  };
}
