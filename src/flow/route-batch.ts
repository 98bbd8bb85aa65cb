// Decides, per flow, whether it fits the narrow core table (see CORE_COLUMNS in storage.ts) or
// needs the wide one, orders the batch so core flows come first (each part sorted by interface,
// direction, remote address and start, for compression: sort-batch.ts), and fills the core's
// derived columns: `dur` (end - start) and `hasPkt`. Runs in the parse workers, off the
// appending thread.

import { type FlowBatch, isValid } from './batch.js';
import { sortBatch } from './sort-batch.js';
import { CORE_COLUMNS, STORAGE_COLUMNS } from './storage.js';

const CORE_NAMES = new Set(CORE_COLUMNS.map((s) => s.name));
/** columns a core flow must leave NULL; end and the pkt-* IPv4 halves are checked on their own */
const WIDE_ONLY = STORAGE_COLUMNS.filter(
  (s) => !CORE_NAMES.has(s.name) && !['end', 'pkt_srcaddr_v4', 'pkt_dstaddr_v4'].includes(s.name),
).map((s) => s.name);

const MAX_DUR = 65535;
const CORE = 0;
const WIDE = 1;

function anySet(mask: Uint8Array, n: number): boolean {
  const bytes = Math.ceil(n / 8);
  for (let i = 0; i < bytes; i++) if (mask[i] !== 0) return true;
  return false;
}

/** pkt-* absent (0), both given and equal to srcaddr/dstaddr (1), or anything else (-1: wide). */
function pktState(b: FlowBatch, i: number): number {
  const v = b.valid;
  const ps = isValid(v.pkt_srcaddr_v4 as Uint8Array, i);
  const pd = isValid(v.pkt_dstaddr_v4 as Uint8Array, i);
  if (!ps && !pd) return 0;
  if (!ps || !pd || !isValid(v.srcaddr_v4 as Uint8Array, i) || !isValid(v.dstaddr_v4 as Uint8Array, i))
    return -1;
  const d = b.data as Readonly<Record<string, Uint32Array>>;
  const same = d.pkt_srcaddr_v4?.[i] === d.srcaddr_v4?.[i] && d.pkt_dstaddr_v4?.[i] === d.dstaddr_v4?.[i];
  return same ? 1 : -1;
}

function fitsDuration(b: FlowBatch, i: number): boolean {
  const hasStart = isValid(b.valid.start as Uint8Array, i);
  const hasEnd = isValid(b.valid.end as Uint8Array, i);
  if (hasStart !== hasEnd) return false;
  if (!hasEnd) return true;
  const dur = ((b.data.end as Uint32Array)[i] as number) - ((b.data.start as Uint32Array)[i] as number);
  return dur >= 0 && dur <= MAX_DUR;
}

/** Per row: CORE or WIDE. */
function classify(b: FlowBatch): Uint8Array {
  const n = b.length;
  const group = new Uint8Array(n);
  const busy = WIDE_ONLY.map((name) => b.valid[name] as Uint8Array).filter((m) => anySet(m, n));
  for (let i = 0; i < n; i++) {
    let wide = b.kind[i] !== 0 || b.extra.has(i) || !fitsDuration(b, i) || pktState(b, i) < 0;
    for (let k = 0; !wide && k < busy.length; k++) wide = isValid(busy[k] as Uint8Array, i);
    group[i] = wide ? WIDE : CORE;
  }
  return group;
}

/** Orders the batch core flows first (each part by interface, direction, remote address, start) and fills dur and hasPkt. */
export function routeBatch(b: FlowBatch): void {
  const group = classify(b);
  sortBatch(b, group);
  let core = 0;
  for (let i = 0; i < b.length; i++) if (group[i] === CORE) core++;
  b.coreLength = core;
  const start = b.data.start as Uint32Array;
  const end = b.data.end as Uint32Array;
  const endValid = b.valid.end as Uint8Array;
  for (let i = 0; i < core; i++) {
    b.dur[i] = isValid(endValid, i) ? (end[i] as number) - (start[i] as number) : 0;
    b.hasPkt[i] = pktState(b, i);
  }
}
