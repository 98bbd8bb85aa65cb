// The sankey view: paths through 2 to 4 dimensions, as nodes (one per value per column; "Other"
// for the values past each column's top-N) and links between neighbouring columns.

import { sankey as sankeyQuery } from '../analyses/index.js';
import type { Row } from '../engine/index.js';
import { base, type ViewContext } from './dashboard-context.js';
import { findTop, manyValues } from './dashboard-known.js';
import { label, OTHER_LABEL } from './dashboard-labels.js';
import type { Sankey, SankeyNode, SankeyRequest } from './dashboard-types.js';

type Graph = Pick<Sankey, 'nodes' | 'links' | 'total'>;

/** Nodes and links from the analysis's paths; links between the same two nodes add up. */
export function sankeyGraph(rows: readonly Row[], dimensions: readonly string[], by: string): Graph {
  const nodes = new Map<string, SankeyNode>();
  const links = new Map<string, { source: string; target: string; value: number }>();
  let total = 0;
  for (const row of rows) {
    const value = Number(row[by] ?? 0);
    total += value;
    const ids = dimensions.map((d, column) => {
      const text = row[`${d}_other`] === true ? OTHER_LABEL : label(d, row[d]);
      const id = `${column}:${text}`;
      if (!nodes.has(id)) nodes.set(id, { id, column, label: text });
      return id;
    });
    for (let i = 0; i + 1 < ids.length; i++) {
      const [source, target] = [ids[i] as string, ids[i + 1] as string];
      const key = `${source}\u0000${target}`;
      const l = links.get(key);
      if (l === undefined) links.set(key, { source, target, value });
      else l.value += value;
    }
  }
  return { nodes: [...nodes.values()], links: [...links.values()], total };
}

export async function sankey(ctx: ViewContext, req: SankeyRequest): Promise<Sankey> {
  const range = ctx.range(req.range);
  const b = base(req.by, range, ctx.where(req.filter));
  const dimensions = req.dimensions.map(ctx.dimension);
  const known: ((number | null)[] | undefined)[] = [];
  for (const d of dimensions) known.push(manyValues(d) ? await findTop(ctx.run, b, d, req.limit) : undefined);
  const node = sankeyQuery({ ...b, dimensions, limit: req.limit, known });
  const graph = sankeyGraph((await ctx.run(node)).rows, req.dimensions, req.by);
  return { range, dimensions: req.dimensions, by: req.by, ...graph };
}
