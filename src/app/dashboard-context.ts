// What every dashboard view needs: the query runner, the range and filter as the view asked for
// them, and the dimensions by name (segment dimensions exist only with a policy).

import { DIMENSION_NAMES, type DimensionRef } from '../analyses/index.js';
import type { QueryResult } from '../engine/index.js';
import type { SqlNode } from '../sql/index.js';
import type { RangeRequest, ResolvedRange } from './dashboard-types.js';

export interface ViewContext {
  readonly run: (node: SqlNode) => Promise<QueryResult>;
  readonly range: (r: RangeRequest) => ResolvedRange;
  /** the filter text compiled, or undefined for every flow */
  readonly where: (text: string | undefined) => SqlNode | undefined;
  /** a dimension by name; segment names resolve through the policy */
  readonly dimension: (name: string) => DimensionRef;
  /** flow columns computed from stored ones (each side's segment, with a policy) */
  readonly columns: Readonly<Record<string, SqlNode>>;
}

/** Dimensions that need a policy: the most specific segment of each side's effective address. */
export const SEGMENT_DIMENSIONS: readonly string[] = ['src_segment', 'dst_segment'];

/**
 * The overview's default top-N tables: with a policy, segments instead of addresses (segments
 * are what a policy speaks of; each table costs a pass over the flows, so the view stays within
 * its second at 10 M flows). Any dimensions can be asked for (`top=`).
 */
export function defaultTopTables(withPolicy: boolean): readonly string[] {
  return withPolicy ? ['src_segment', 'dst_segment', 'dstport'] : ['src', 'dst', 'dstport'];
}

export function dashboardDimensions(withPolicy: boolean): readonly string[] {
  return withPolicy ? [...SEGMENT_DIMENSIONS, ...DIMENSION_NAMES] : DIMENSION_NAMES;
}

/** Options shared by the views' analyses: the range, the metric and the filter, if any. */
export function base<B>(by: B, range: ResolvedRange, where: SqlNode | undefined) {
  return { by, range, ...(where === undefined ? {} : { where }) };
}
