// The flows explorer: a page of matching flows (oldest first) with the chosen columns, and
// whether more follow. The CSV download asks the same question with a larger page.

import { flowList } from '../analyses/index.js';
import type { ViewContext } from './dashboard-context.js';
import { plain } from './dashboard-labels.js';
import type { Flows, FlowsRequest } from './dashboard-types.js';

export async function flows(ctx: ViewContext, req: FlowsRequest): Promise<Flows> {
  const range = ctx.range(req.range);
  const where = ctx.where(req.filter);
  const node = flowList({
    columns: req.columns,
    range,
    limit: req.limit + 1,
    offset: req.offset,
    computed: ctx.columns,
    ...(where === undefined ? {} : { where }),
  });
  const r = await ctx.run(node);
  const rows = r.rows.slice(0, req.limit).map((row) => r.columns.map((c) => plain(row[c])));
  return { range, columns: r.columns, rows, offset: req.offset, more: r.rows.length > req.limit };
}
