// The HTTP API's contract: one GET endpoint per view, its query parameters (as the URL carries
// them: text) and its JSON answer. The web client imports this type (`import type { Api }`), so
// a change here that the client does not follow fails its type check. README.md documents it.

import type { FindingsView, Flows, Matrix, Meta, Overview, Sankey } from '../app/index.js';

/** Parameters every view takes: a range (`range` or `since`+`until`) and a filter. */
export interface ViewParams {
  /** `1h`, `24h` or `7d`, back from the store's last flow (the default: `24h`) */
  readonly range?: string;
  /** an explicit range instead: epoch seconds or ISO-8601 UTC; `until` exclusive */
  readonly since?: string;
  readonly until?: string;
  /** the filter language (src/filter/README.md); at most 2000 characters */
  readonly filter?: string;
}

export interface Api {
  '/api/meta': { readonly params: Record<string, never>; readonly response: Meta };
  '/api/overview': {
    readonly params: ViewParams & {
      readonly dimension?: string;
      readonly by?: string;
      readonly limit?: string;
      /** comma-separated dimensions of the top-N tables, at most 4 */
      readonly top?: string;
    };
    readonly response: Overview;
  };
  '/api/sankey': {
    readonly params: ViewParams & {
      readonly dimensions?: string;
      readonly by?: string;
      readonly limit?: string;
    };
    readonly response: Sankey;
  };
  '/api/matrix': {
    readonly params: ViewParams & { readonly by?: string; readonly level?: string };
    readonly response: Matrix;
  };
  '/api/findings': { readonly params: ViewParams; readonly response: FindingsView };
  '/api/flows': {
    readonly params: ViewParams & {
      readonly columns?: string;
      readonly limit?: string;
      readonly offset?: string;
    };
    readonly response: Flows;
  };
}

/** The JSON body of every 4xx/5xx answer. */
export interface ApiError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  /** where, when the error has a place: `filter:1:5` for a filter error (line 1, column 5) */
  readonly at?: string;
}

export type Endpoint = keyof Api;
