// Who may ask. Bound to loopback without a token, the server answers only requests whose Host is
// a loopback name (a web page elsewhere cannot reach it through DNS rebinding). With a token
// (required off loopback), every request carries it: `Authorization: Bearer T`, or the cookie the
// server sets when a page is opened with `?token=T` (the link printed at start).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { UserError } from '../errors.js';

export const COOKIE = 'flowsight_token';

/** 127.0.0.0/8, ::1 and localhost: the addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '0:0:0:0:0:0:0:1' || h === '::ffff:127.0.0.1';
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function sameToken(given: string, token: string): boolean {
  return timingSafeEqual(digest(given), digest(token));
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v !== undefined) return decodeURIComponent(v);
  }
  return undefined;
}

/** The token the request carries, from the header, the cookie or `?token=`. */
export function givenToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return cookieToken(req) ?? url.searchParams.get('token') ?? undefined;
}

/** Throws unless the request may be answered. */
export function authorize(req: IncomingMessage, url: URL, token: string | undefined): void {
  if (token === undefined) {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!isLoopback(host)) {
      throw new UserError('auth.bad-host', `requests for host '${host}' are not answered`, {
        hint: 'open the dashboard at http://127.0.0.1 or http://localhost (the server is bound to loopback)',
      });
    }
    return;
  }
  const given = givenToken(req, url);
  if (given === undefined || !sameToken(given, token)) {
    throw new UserError(
      'auth.token',
      given === undefined ? 'this dashboard needs a token' : 'the token is not right',
      {
        hint: 'open the link flowsight serve printed (it ends with ?token=...), or send Authorization: Bearer <token>',
      },
    );
  }
}
