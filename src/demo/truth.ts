// truth.json: the generator's own account of what it wrote (totals, top sources, every planted
// violation with exact counts and sample lines). Tests and `flowsight demo` compare ingest
// results against it. The counting itself is in tally.ts.

import type { DemoFormat, Tier } from './platform.js';

export type ViolationKind =
  | 'violation'
  | 'blocked'
  | 'stopped'
  | 'health'
  | 'tgw-loss'
  | 'dropped'
  | 'missing';

export interface Evidence {
  readonly key: string;
  readonly line: string;
}

export interface TruthViolation {
  readonly id: number;
  readonly title: string;
  readonly kind: ViolationKind;
  /** segment names (see `segments`); null where the violation has no direction */
  readonly from: string | null;
  readonly to: string | null;
  /** the planted endpoints' (effective) addresses, where there are fixed ones */
  readonly src: string | null;
  readonly dst: string | null;
  readonly protocol: number | null;
  readonly port: number | null;
  readonly action: 'ACCEPT' | 'REJECT' | null;
  /** planted records with log-status OK, over every log and both directions */
  readonly flows: number;
  /** all planted lines (for #7: the NODATA/SKIPDATA lines of the degraded window) */
  readonly records: number;
  readonly byKind: { readonly vpc: number; readonly tgw: number };
  readonly packets: number;
  readonly bytes: number;
  /** min(start) and max(end) of the planted records, ISO-8601 UTC */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** #6: the silence; #7: the window with NODATA/SKIPDATA only. [from, to) */
  readonly window?: { readonly from: string; readonly to: string };
  /** #7: the following stretch with no records at all. [from, to) */
  readonly gap?: { readonly from: string; readonly to: string };
  /** #6: the TGW attachment; #7: the flow log; #9: the VPC id with no flow log */
  readonly resource?: string;
  readonly evidence: readonly Evidence[];
}

export interface TruthTotals {
  /** every line but headers */
  readonly records: number;
  /** records with log-status OK */
  readonly flows: number;
  readonly bytes: number;
  readonly packets: number;
  readonly byKind: { readonly vpc: number; readonly tgw: number };
  readonly byAction: { readonly ACCEPT: number; readonly REJECT: number };
  readonly nodata: number;
  readonly skipdata: number;
  readonly files: number;
}

export interface Truth {
  readonly generator: {
    readonly seed: number;
    readonly hours: number;
    readonly flows: number;
    readonly start: string;
    readonly end: string;
    readonly fileMinutes: number;
  };
  readonly totals: TruthTotals;
  readonly files: readonly { readonly key: string; readonly format: DemoFormat; readonly records: number }[];
  /** top 10 effective sources (pkt-srcaddr where the format has it, else srcaddr) by bytes over OK records */
  readonly topSources: readonly { readonly address: string; readonly bytes: number }[];
  readonly violations: readonly TruthViolation[];
  /** segment name -> CIDRs (most specific match wins; `internet` is 0.0.0.0/0) */
  readonly segments: Readonly<Record<string, readonly string[]>>;
  /** member VPC -> tier -> subnet CIDRs (one per AZ) */
  readonly tiers: Readonly<Record<string, Readonly<Record<Tier, readonly string[]>>>>;
  readonly accounts: Readonly<Record<string, string>>;
  readonly flowLogs: readonly {
    readonly id: string;
    readonly account: string;
    readonly vpc: string | null;
    readonly format: DemoFormat;
  }[];
}

export const iso = (epochSeconds: number): string =>
  new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
