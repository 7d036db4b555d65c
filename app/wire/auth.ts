/**
 * Bearer tokens on the wire (RFC 6750), shared by the service and the Lambda: reading the Authorization header
 * and the WWW-Authenticate challenges. Only the header carries a token: never the query string or the body,
 * which end up in logs and caches (RFC 6750 5.3).
 */
import type { PresentedCredentials } from '../core/auth/access';

/** What the Authorization header holds: the core's credentials type, parsed here from the wire. */
export type BearerCredentials = PresentedCredentials;

/** token68 (RFC 7235 2.1) after the case-insensitive scheme; a JWT is three base64url parts. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function bearerCredentials(authorization: string | string[] | undefined): BearerCredentials {
  if (authorization === undefined) return { kind: 'absent' };
  const value = Array.isArray(authorization) ? (authorization.length === 1 ? authorization[0]! : '') : authorization;
  const match = BEARER.exec(value.trim());
  return match ? { kind: 'token', token: match[1]! } : { kind: 'malformed' };
}

/**
 * True when the request carried more than one Authorization header: Node keeps only the first in `req.headers`, and
 * which one a proxy or another parser would use differs, so such a request is refused (400 invalid_request) rather
 * than authorized on a guess.
 */
export function duplicateAuthorization(rawHeaders: readonly string[]): boolean {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.length === 13 && rawHeaders[i]!.toLowerCase() === 'authorization') seen += 1;
  return seen > 1;
}

/** 400 for a request whose credentials cannot be read one way only (two Authorization headers). */
export const INVALID_REQUEST_CHALLENGE = 'Bearer error="invalid_request"';

const REALM = 'picus';

/** 401: no `error` when no credentials were sent (RFC 6750 3.1), else error="invalid_token". */
export function unauthenticatedChallenge(presented: boolean): string {
  return presented ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`;
}

/** 403 for a valid token without the scope the operation needs. */
export function insufficientScopeChallenge(scope: string): string {
  return `Bearer error="insufficient_scope", scope="${scope}"`;
}
