// UserError: a failure the user can fix. Everything else is a bug and stays a plain Error.
// A leaf module: anything may import it, it imports nothing of ours.

export interface UserErrorInit {
  /** where: file:line:col, a config path, or a flag */
  readonly at?: string;
  /** the next step the user can take */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: string;
  readonly hint: string | undefined;
  readonly at: string | undefined;

  /** code: stable and dotted (`ingest.unreadable`); message: lowercase, names the value and the place */
  constructor(code: string, message: string, init: UserErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.hint = init.hint;
    this.at = init.at;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** The JSON shape surfaces use for a user error. */
export function errorBody(e: UserError): { code: string; message: string; hint?: string; at?: string } {
  return {
    code: e.code,
    message: e.message,
    ...(e.hint === undefined ? {} : { hint: e.hint }),
    ...(e.at === undefined ? {} : { at: e.at }),
  };
}
