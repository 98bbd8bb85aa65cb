// The overview: traffic over time stacked by one dimension, totals, and top-N tables with
// "Other" for the dimensions asked (each table is one more pass over the flows).

import { timeSeries, toDimension, topTalkers, totals } from '../analyses/index.js';
import type { QueryResult } from '../engine/index.js';
import { base, type ViewContext } from './dashboard-context.js';
import { findTop, manyValues, rankable, topKeys } from './dashboard-known.js';
import { filterTerm, label, OTHER_LABEL } from './dashboard-labels.js';
import { bucketsOf } from './dashboard-range.js';
import type { Overview, OverviewRequest, TopRow, TopTable, Totals } from './dashboard-types.js';

const TOP_ROWS = 10;

function seriesOf(
  r: QueryResult,
  dimension: string,
  buckets: readonly number[],
  by: string,
): Overview['series'] {
  const at = new Map(buckets.map((b, i) => [b, i]));
  const series = new Map<string, { name: string; other: boolean; values: number[] }>();
  for (const row of r.rows) {
    const other = row.other === true;
    const name = other ? OTHER_LABEL : label(dimension, row.series);
    const s = series.get(name) ?? { name, other, values: buckets.map(() => 0) };
    series.set(name, s);
    const i = at.get(Number(row.bucket));
    if (i !== undefined) s.values[i] = (s.values[i] ?? 0) + Number(row[by] ?? 0);
  }
  return [...series.values()].sort((a, b) => Number(a.other) - Number(b.other));
}

function topTable(r: QueryResult, dimension: string, by: string): TopTable {
  const rows = r.rows.map((row): TopRow => {
    const other = row.other === true;
    const term = other ? undefined : filterTerm(dimension, row[dimension]);
    return {
      label: other ? OTHER_LABEL : label(dimension, row[dimension]),
      value: Number(row[by] ?? 0),
      share: Number(row.share ?? 0),
      other,
      ...(term === undefined ? {} : { filter: term }),
    };
  });
  return { dimension, rows };
}

function totalsOf(r: QueryResult): Totals {
  const row = r.rows[0] ?? {};
  const n = (k: string) => Number(row[k] ?? 0);
  return {
    flows: n('flows'),
    bytes: n('bytes'),
    packets: n('packets'),
    accepted: n('accepted'),
    rejected: n('rejected'),
  };
}

export async function overview(ctx: ViewContext, req: OverviewRequest): Promise<Overview> {
  const range = ctx.range(req.range);
  const b = base(req.by, range, ctx.where(req.filter));
  const buckets = bucketsOf(range);
  const dim = toDimension(ctx.dimension(req.dimension));
  // a top table of the stacked dimension finds its series; a port with none finds them first
  const ranks = rankable(dim);
  const t = await ctx.run(totals(b));
  const top: TopTable[] = [];
  let known: (number | null)[] | undefined;
  for (const d of req.top) {
    const table = toDimension(ctx.dimension(d));
    const same = ranks && req.limit <= TOP_ROWS && table.name === dim.name;
    const r = await ctx.run(
      topTalkers({ ...b, dimensions: [table], limit: TOP_ROWS, ...(same ? { keys: true } : {}) }),
    );
    if (same) known = topKeys(r, req.limit);
    top.push(topTable(r, d, req.by));
  }
  if (known === undefined && manyValues(dim)) known = await findTop(ctx.run, b, dim, req.limit);
  const s = await ctx.run(
    timeSeries({
      ...b,
      dimension: dim,
      step: range.step,
      limit: req.limit,
      ...(known === undefined ? {} : { top: known }),
    }),
  );
  const series = seriesOf(s, req.dimension, buckets, req.by);
  return { range, dimension: req.dimension, by: req.by, buckets, series, totals: totalsOf(t), top };
}
