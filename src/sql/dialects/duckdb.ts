// DuckDB's spelling of the SQL tree. Parameters are `$n`, cast to their pinned type so that
// comparisons against UINTEGER/UHUGEINT columns stay integer comparisons (and use zone maps).

import type { SqlType } from '../node.js';
import type { Dialect } from '../render.js';

const TYPES: Readonly<Record<SqlType, string>> = {
  u8: 'UTINYINT',
  u16: 'USMALLINT',
  u32: 'UINTEGER',
  i64: 'BIGINT',
  u128: 'UHUGEINT',
  f64: 'DOUBLE',
  text: 'VARCHAR',
  bool: 'BOOLEAN',
};

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  quoteIdent: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (i, type) => (type === undefined ? `$${i + 1}` : `CAST($${i + 1} AS ${TYPES[type]})`),
  fn(name, args) {
    const [a, b] = args;
    switch (name) {
      case 'ipv4_text':
        return `fs_ipv4_text(${a})`;
      case 'ipv6_text':
        return `fs_ipv6_text(${a})`;
      case 'epoch_to_timestamp':
        return `make_timestamp(CAST(${a} AS BIGINT) * 1000000)`;
      case 'timestamp_to_epoch':
        return `CAST(epoch(${a}) AS BIGINT)`;
      case 'time_bucket':
        return `(CAST(${a} AS BIGINT) // ${b} * ${b})`;
      case 'list_position':
        return `list_position(${a}, ${b})`;
      default: {
        const never: never = name;
        throw new Error(`unhandled function ${String(never)}`);
      }
    }
  },
};
