// What the dashboard is asked and what it answers, as plain JSON-safe data (numbers, strings,
// null): the HTTP API sends these bodies as they are, and the web client imports these types
// through src/server/api.ts. No imports, so the web's type check reads this file alone.

export type DashboardMetric = 'bytes' | 'packets' | 'flows';

/** A time range as asked: a span back from the store's last flow, or explicit epoch seconds. */
export type RangeRequest =
  | { readonly last: '1h' | '24h' | '7d' }
  | { readonly since: number; readonly until: number };

/** The range a view answered for: epoch seconds, `since` inclusive, `until` exclusive. */
export interface ResolvedRange {
  readonly since: number;
  readonly until: number;
  /** the span asked for, when it was one (`24h`); absent for an explicit range */
  readonly last?: string;
  /** the width of a time-series bucket for this range, in seconds */
  readonly step: number;
}

export interface ViewRequest {
  readonly range: RangeRequest;
  /** the filter language (src/filter); blank for every flow */
  readonly filter?: string;
}

export interface Meta {
  readonly db: string;
  /** the store's span: first flow start and last flow end (epoch seconds); null when empty */
  readonly first: number | null;
  readonly last: number | null;
  readonly records: number;
  readonly dimensions: readonly string[];
  readonly metrics: readonly DashboardMetric[];
  /** flow columns for the explorer, default ones first */
  readonly columns: readonly { readonly name: string; readonly description: string }[];
  readonly defaultColumns: readonly string[];
  /** names for numbers, so the flows explorer shows `tcp` and `443 https` */
  readonly labels: {
    readonly protocols: Readonly<Record<string, string>>;
    readonly services: Readonly<Record<string, string>>;
  };
  /** the overview's top-N tables when none are asked for */
  readonly overviewTop: readonly string[];
  /** the loaded policy, or null: segment views and findings need one */
  readonly policy: { readonly file: string; readonly segments: readonly string[] } | null;
}

export interface Totals {
  readonly flows: number;
  readonly bytes: number;
  readonly packets: number;
  readonly accepted: number;
  readonly rejected: number;
}

/** One row of a top-N table; the `other` row holds everything past the top. */
export interface TopRow {
  readonly label: string;
  readonly value: number;
  readonly share: number;
  readonly other: boolean;
  /** a filter term selecting this row's flows (absent on `other`) */
  readonly filter?: string;
}

export interface TopTable {
  readonly dimension: string;
  readonly rows: readonly TopRow[];
}

export interface OverviewRequest extends ViewRequest {
  readonly dimension: string;
  readonly by: DashboardMetric;
  readonly limit: number;
  /** the dimensions of the top-N tables (`Meta.overviewTop` by default) */
  readonly top: readonly string[];
}

export interface Overview {
  readonly range: ResolvedRange;
  readonly dimension: string;
  readonly by: DashboardMetric;
  /** bucket starts, epoch seconds, every bucket of the range (empty ones too) */
  readonly buckets: readonly number[];
  /** one value per bucket; the top series first, `other` last */
  readonly series: readonly {
    readonly name: string;
    readonly other: boolean;
    readonly values: readonly number[];
  }[];
  readonly totals: Totals;
  readonly top: readonly TopTable[];
}

export interface SankeyRequest extends ViewRequest {
  readonly dimensions: readonly string[];
  readonly by: DashboardMetric;
  readonly limit: number;
}

export interface SankeyNode {
  /** unique over the diagram: the column index and the label */
  readonly id: string;
  readonly column: number;
  readonly label: string;
}

export interface Sankey {
  readonly range: ResolvedRange;
  readonly dimensions: readonly string[];
  readonly by: DashboardMetric;
  readonly nodes: readonly SankeyNode[];
  readonly links: readonly { readonly source: string; readonly target: string; readonly value: number }[];
  readonly total: number;
}

export type Verdict = 'allowed' | 'violation' | 'blocked';

export interface MatrixRequest extends ViewRequest {
  readonly by: 'bytes' | 'flows';
  /** `top`: top-level segments (a VPC, a network); `segment`: the most specific (a VPC's tier) */
  readonly level: 'top' | 'segment';
}

export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  readonly flows: number;
  readonly bytes: number;
  /** ACCEPTed flows the policy forbids, and REJECTed flows a deny rule names */
  readonly violations: number;
  readonly blocked: number;
  /** violation if the check found one for the pair, else blocked if it found a blocked attempt, else allowed */
  readonly verdict: Verdict;
  /** what the policy says about the pair whatever the port (most specific segments only), and the rules that say it */
  readonly policy: 'denied' | 'restricted' | 'open' | null;
  readonly rules: readonly string[];
}

export interface Matrix {
  readonly range: ResolvedRange;
  readonly by: 'bytes' | 'flows';
  readonly level: 'top' | 'segment';
  /** rows: every segment with traffic either way, in the policy's order, alphabetical by name path (unnamed ones last) */
  readonly from: readonly string[];
  /** columns: the same segments in the same order, so a segment's traffic to itself is on the diagonal */
  readonly to: readonly string[];
  readonly cells: readonly MatrixCell[];
}

export interface FlowsRequest extends ViewRequest {
  readonly columns: readonly string[];
  readonly limit: number;
  readonly offset: number;
}

export type Cell = string | number | boolean | null;

export interface Flows {
  readonly range: ResolvedRange;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  readonly offset: number;
  /** there are more flows after these */
  readonly more: boolean;
}

/** One evidence flow of a finding, as the policy check reports it. */
export type EvidenceFlow = Readonly<Record<string, Cell>>;

export interface DashboardFinding {
  /** violation, blocked, stopped, dropped, tgw-loss, health */
  readonly kind: string;
  readonly rule: string;
  readonly severity: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly protocol: string | null;
  readonly port: number | null;
  /** ISO-8601 UTC */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly flows: number;
  readonly bytes: number;
  /** what the check says about it (its message, the silent windows of an expectation) */
  readonly detail: string;
  readonly evidence: readonly EvidenceFlow[];
  /** a filter and range that open the flows explorer on this finding's flows */
  readonly explore: { readonly filter: string; readonly since: number; readonly until: number } | null;
}

export interface FindingsView {
  readonly range: ResolvedRange;
  readonly findings: readonly DashboardFinding[];
  /** findings per kind */
  readonly summary: Readonly<Record<string, number>>;
}
