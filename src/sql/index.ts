// sql: the query tree, its renderer and the dialects that spell it. Pure: builds text, runs nothing.
export { duckdbDialect } from './dialects/duckdb.js';
export * from './node.js';
export * from './render.js';
