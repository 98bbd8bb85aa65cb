// What a view is: given the URL state and the store's meta, ask the API and build the content.

import type { Response } from '../api.js';
import type { Child } from '../dom.js';
import type { State } from '../state.js';

export type Meta = Response<'/api/meta'>;
export type Range = Response<'/api/overview'>['range'];

export interface PageContext {
  readonly state: State;
  readonly meta: Meta;
  /** aborted when the user moves on before the answer came */
  readonly signal: AbortSignal;
}

export interface Rendered {
  readonly content: Child;
  /** the range the view answered for, shown by the range picker */
  readonly range?: Range;
}

export type Page = (ctx: PageContext) => Promise<Rendered>;
