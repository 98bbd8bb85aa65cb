// How flows are laid out in the store, derived from COLUMNS: addresses as numbers (IPv4 in a
// 32-bit column, IPv6 in a 128-bit one, so CIDR filters are range comparisons), ports and
// protocol as small integers, closed word sets as enums, ids and names dictionary-encoded.
// The parser fills batches in exactly this layout and the engine appends them as they are.

import { COLUMNS, type Column } from './columns.js';

/** Physical storage types; each maps to one typed array in a batch and one engine type. */
export type Physical =
  | 'u8' // Uint8Array           UTINYINT
  | 'u16' // Uint16Array         USMALLINT
  | 'u32' // Uint32Array         UINTEGER (IPv4, epoch seconds)
  | 'i64' // BigInt64Array       BIGINT
  | 'u128' // BigUint64Array x2  UHUGEINT (IPv6: low word, high word)
  | 'enum' // Uint8Array         ENUM: index into the column's values
  | 'dict'; // Uint32Array       UINTEGER: id into the string dictionary

export interface StorageColumn {
  /** the name in the store table */
  readonly name: string;
  readonly physical: Physical;
  /** the flow column it holds (all or part of) */
  readonly column: Column;
  /** for addresses: which family this half holds */
  readonly family?: 'v4' | 'v6';
}

function storageOf(c: Column): StorageColumn[] {
  switch (c.type) {
    case 'ip':
      return [
        { name: `${c.sql}_v4`, physical: 'u32', column: c, family: 'v4' },
        { name: `${c.sql}_v6`, physical: 'u128', column: c, family: 'v6' },
      ];
    case 'u8':
      return [{ name: c.sql, physical: 'u8', column: c }];
    case 'u16':
      return [{ name: c.sql, physical: 'u16', column: c }];
    case 'i64':
      return [{ name: c.sql, physical: 'i64', column: c }];
    case 'time':
      return [{ name: c.sql, physical: 'u32', column: c }];
    case 'enum':
      return [{ name: c.sql, physical: 'enum', column: c }];
    case 'string':
      return [{ name: c.sql, physical: 'dict', column: c }];
    default: {
      const never: never = c.type;
      throw new Error(`unhandled field type ${String(never)}`);
    }
  }
}

/** Every stored field column, in store order. */
export const STORAGE_COLUMNS: readonly StorageColumn[] = Object.freeze(COLUMNS.flatMap(storageOf));

const BY_COLUMN = new Map<Column, readonly StorageColumn[]>(
  COLUMNS.map((c) => [c, Object.freeze(STORAGE_COLUMNS.filter((s) => s.column === c))]),
);

/** The storage columns of one flow column (two for an address). */
export function storageColumnsOf(c: Column): readonly StorageColumn[] {
  return BY_COLUMN.get(c) ?? [];
}

/** Store columns beyond the fields: the record kind, the source file id, unknown fields as JSON. */
export const KIND_VALUES = Object.freeze(['vpc', 'tgw'] as const);

/** Names of the store's tables and views, shared by every engine and by the SQL we build. */
export const STORE = Object.freeze({
  /** flows as stored: numbers, enums and dictionary ids (analyses query this); a view over core + wide */
  table: 'flow_store',
  /** the narrow table most flows go to (CORE_COLUMNS; see route-batch.ts) */
  core: 'flow_core',
  /** every other flow, in the full layout (kind, file_id, STORAGE_COLUMNS, extra) */
  wide: 'flow_wide',
  /** a temporary view per connection: flow_core's rows in flow_store's columns (additive analyses group it apart) */
  coreView: 'flow_store_core',
  /** flow_core's derived columns: end - start, whether pkt-src/dstaddr were given (and equal), the protocol's code */
  durColumn: 'dur',
  pktColumn: 'has_pkt',
  /** flow_core's protocol, as PROTOCOL_ENCODE's code */
  protoColumn: 'proto_code',
  /** the string dictionary: id UINTEGER, value VARCHAR */
  dict: 'flow_dict',
  /** one row per ingested file: id, path, size, hash, flows, ingested_at */
  files: 'flow_files',
  /** what users and `flowsight sql` see: text addresses, UTC timestamps, strings */
  view: 'flows',
  /** extra store columns beyond STORAGE_COLUMNS */
  kindColumn: 'kind',
  fileColumn: 'file_id',
  extraColumn: 'extra',
});

/**
 * The storage columns flow_core keeps: the fields of VPC versions 2-5 with IPv4 addresses, minus
 * `end` (kept as a 16-bit duration) and pkt-src/dstaddr (kept as one flag: they equal srcaddr
 * and dstaddr in most logs). DuckDB's append and compression cost is paid per column, NULL or
 * not, so the ~40 columns the common flow leaves NULL cost it ~1.7 us per flow when present.
 */
export const CORE_COLUMNS: readonly StorageColumn[] = Object.freeze(
  STORAGE_COLUMNS.filter(
    (s) =>
      s.column.version <= 5 &&
      s.column.kinds.includes('vpc') &&
      s.family !== 'v6' &&
      s.column.sql !== 'end' &&
      s.column.sql !== 'pkt_srcaddr' &&
      s.column.sql !== 'pkt_dstaddr',
  ),
);

/**
 * flow_core keeps `protocol` as a rank code (column STORE.protoColumn): TCP 0, UDP 1, ICMP 2, so
 * a run of the common protocols bit-packs in 2 bits instead of the 5 that 17 takes (0.3 B/flow
 * on the bench data). The code is a permutation of 0-255: the ranked protocols take the smallest
 * codes, the small numbers they displace take the ranked protocols' numbers, the rest keep theirs.
 */
export const PROTOCOL_RANK: readonly number[] = Object.freeze([6, 17, 1]);

function protocolCodes(rank: readonly number[]): { encode: Uint8Array; decode: Uint8Array } {
  const encode = new Uint8Array(256);
  for (let p = 0; p < 256; p++) encode[p] = p;
  const displaced = [...Array(rank.length).keys()].filter((p) => !rank.includes(p));
  const freed = rank.filter((p) => p >= rank.length);
  rank.forEach((p, code) => {
    encode[p] = code;
  });
  displaced.forEach((p, k) => {
    encode[p] = freed[k] as number;
  });
  const decode = new Uint8Array(256);
  for (let p = 0; p < 256; p++) decode[encode[p] as number] = p;
  return { encode, decode };
}

const CODES = protocolCodes(PROTOCOL_RANK);
/** protocol number -> flow_core's code */
export const PROTOCOL_ENCODE: Readonly<Uint8Array> = CODES.encode;
/** flow_core's code -> protocol number */
export const PROTOCOL_DECODE: Readonly<Uint8Array> = CODES.decode;
/** the (code, protocol) pairs where the two differ: what SQL must translate */
export const PROTOCOL_SWAPS: readonly (readonly [number, number])[] = Object.freeze(
  [...CODES.decode].flatMap((p, code) => (p === code ? [] : [[code, p] as const])),
);

/**
 * SQL text of a CASE that turns the protocol in `expr` into flow_core's code (`to: 'code'`) or the
 * code back into the protocol (`to: 'protocol'`); only the swapped values need a branch. The one
 * spelling of the translation, for the store's views, its migration and the analyses.
 */
export function protocolCaseSql(expr: string, to: 'code' | 'protocol'): string {
  const whens = PROTOCOL_SWAPS.map(([code, p]) =>
    to === 'code' ? `WHEN ${p} THEN ${code}` : `WHEN ${code} THEN ${p}`,
  );
  return `CAST(CASE ${expr} ${whens.join(' ')} ELSE ${expr} END AS UTINYINT)`;
}
