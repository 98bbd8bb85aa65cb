// The filter AST: what parser.ts builds and compile.ts turns into SQL. Plain frozen data, a
// discriminated union on `kind`. Values are already checked and typed for their field (an address
// is a Cidr, a counter a bigint, a time epoch seconds, an enum its canonical word), so compiling
// never fails on user input.

import type { Cidr, FlowKind } from '../flow/index.js';

/** Which end of a flow a keyword term looks at; `either` matches source or destination. */
export type Side = 'src' | 'dst' | 'either';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * A typed value for one field: `Cidr` for addresses (a bare address is a /32 or /128), `bigint`
 * for i64 counters, `number` for u8/u16 fields and times (epoch seconds), `string` for enums
 * (canonical spelling) and free-text fields.
 */
export type FieldValue = number | bigint | string | Cidr;

/** An inclusive port range; a single port has from === to. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export type FilterExpr =
  | { readonly kind: 'and'; readonly terms: readonly FilterExpr[] }
  | { readonly kind: 'or'; readonly terms: readonly FilterExpr[] }
  | { readonly kind: 'not'; readonly term: FilterExpr }
  /** `[src|dst] host|net|addr`: the effective address (pkt-* when present) is in one of the blocks */
  | { readonly kind: 'address'; readonly side: Side; readonly cidrs: readonly Cidr[] }
  /** `[src|dst] port`: the port is in one of the ranges */
  | { readonly kind: 'port'; readonly side: Side; readonly ranges: readonly PortRange[] }
  /** `flags syn`: every bit of the mask is set in tcp_flags */
  | { readonly kind: 'flags'; readonly mask: number }
  /** `kind vpc|tgw`: the record kind */
  | { readonly kind: 'flowKind'; readonly value: FlowKind }
  /** `field op value`; `field` is the SQL name of a column of flow/columns.ts */
  | { readonly kind: 'compare'; readonly field: string; readonly op: CompareOp; readonly value: FieldValue }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly FieldValue[] }
  /** `field ~ pattern`: glob (`*`, `?`) over a text field */
  | { readonly kind: 'glob'; readonly field: string; readonly pattern: string }
  /** `field = null`; `field != null` is `not` of it */
  | { readonly kind: 'isNull'; readonly field: string };

export type FilterKind = FilterExpr['kind'];
