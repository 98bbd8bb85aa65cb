// The API client: one typed GET per endpoint. Types come from the server (`import type`), so a
// change to the API that this client does not follow fails `npm run typecheck`.

import type { Api, ApiError, Endpoint } from '../src/server/index.js';

export type { Api, ApiError };
export type Response<E extends Endpoint> = Api[E]['response'];
export type Params<E extends Endpoint> = Api[E]['params'];

/** An answer of 4xx/5xx: its body says what and where. */
export class ApiFailure extends Error {
  constructor(
    readonly error: ApiError,
    readonly status: number,
  ) {
    super(error.message);
  }
}

export function query(params: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

export async function get<E extends Endpoint>(
  endpoint: E,
  params: Params<E>,
  signal?: AbortSignal,
): Promise<Response<E>> {
  const res = await fetch(`${endpoint}${query(params as Record<string, string | undefined>)}`, {
    headers: { accept: 'application/json' },
    ...(signal === undefined ? {} : { signal }),
  });
  const body: unknown = await res
    .json()
    .catch(() => ({ code: 'http', message: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new ApiFailure(body as ApiError, res.status);
  return body as Response<E>;
}

/** The CSV download of the flows explorer's question. */
export function csvUrl(params: Params<'/api/flows'>): string {
  return `/api/flows.csv${query({ ...params, offset: undefined, limit: '100000' })}`;
}
