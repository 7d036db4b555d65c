import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthUnavailableError, ForbiddenError, UnauthenticatedError } from '../errors';
import type { PresentedCredentials, Scope } from './access';

/** Who made a request, from a verified access token. */
export interface Principal {
  /** The token's `sub`: a user, or the client itself for client credentials. */
  readonly sub: string;
  readonly clientId: string | undefined;
  readonly scopes: ReadonlySet<string>;
  /** When the token expires (ms since the epoch): a WebSocket authorized by it is closed then. */
  readonly expiresAt: number;
}

export interface TokenVerifierOptions {
  issuer: string;
  /** Unset: read `jwks_uri` from the issuer's discovery document on first use. */
  jwksUrl?: string;
  audience: readonly string[];
  clientIds: readonly string[];
  jwksCooldownMs: number;
  clockToleranceSeconds: number;
  /** Verified tokens kept until their `exp`, so a busy client pays one signature check per token. */
  cacheSize?: number;
  /** Budget for one fetch of the discovery document or the keys. */
  fetchTimeoutMs?: number;
  now?: () => number;
}

export interface TokenVerifier {
  /** Resolves with the principal, or rejects with UnauthenticatedError (401) or AuthUnavailableError (503). */
  verify(token: string): Promise<Principal>;
}

/**
 * Verifies OAuth 2.0 bearer access tokens (RFC 6750) that are JWTs: RS256 only, whatever the header names (no
 * `none`, no HS256 keyed with the public key: RFC 8725 3.1), signature against the issuer's JWKS (cached; fetched
 * again on an unknown `kid`, at most once per cooldown, so key rotation needs no restart), `iss` exact, `exp` and
 * `nbf` with a small tolerance, and the audience the issuer uses: `aud` (RFC 9068), or Amazon Cognito access
 * tokens' `client_id` against an allow-list with `token_use: access`.
 *
 * @example
 * const verifier = createTokenVerifier({ issuer, audience: ['picus'], clientIds: [], jwksCooldownMs: 30_000, clockToleranceSeconds: 30 });
 * const principal = await verifier.verify(token);
 */
function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? Date.now;
  const timeoutDuration = options.fetchTimeoutMs ?? 2000;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, { principal: Principal; expiresAt: number }>();
  let keys: Promise<JWTVerifyGetKey> | undefined;

  const keySet = (): Promise<JWTVerifyGetKey> => {
    keys ??= (async () => {
      const url = options.jwksUrl ?? (await discoverJwksUrl(options.issuer, timeoutDuration));
      // Keys are reused for 10 minutes between fetches; an issuer down longer than that makes verification fail
      // closed (503), never open.
      // A failed fetch holds off the next for at most 5 s, the Retry-After clients are given (AUTH_UNAVAILABLE).
      const failureCooldownMs = Math.min(options.jwksCooldownMs, 5000);
      return keySource(
        createRemoteJWKSet(new URL(url), { cooldownDuration: options.jwksCooldownMs, cacheMaxAge: 600_000, timeoutDuration }),
        failureCooldownMs,
        now,
      );
    })();
    // A failed discovery is not remembered: the next request tries again.
    keys.catch(() => (keys = undefined));
    return keys;
  };

  const check = async (token: string): Promise<{ principal: Principal; expiresAt: number }> => {
    let payload: JWTPayload;
    let typ: string | undefined;
    try {
      ({
        payload,
        protectedHeader: { typ },
      } = await jwtVerify(token, await keySet(), {
        issuer: options.issuer,
        algorithms: ['RS256'],
        clockTolerance: options.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
        ...(options.audience.length > 0 ? { audience: [...options.audience] } : {}),
        currentDate: new Date(now()),
      }));
    } catch (error) {
      throw unavailable(error) ? new AuthUnavailableError(undefined, { cause: error }) : new UnauthenticatedError(true, undefined, { cause: error });
    }
    // jose checks iat's type only: a token issued in the future was minted by a clock or a key we should not trust.
    if (typeof payload.iat === 'number' && payload.iat > now() / 1000 + options.clockToleranceSeconds)
      throw new UnauthenticatedError(true, 'The access token was issued in the future');
    if (!isAccessToken(typ, payload)) throw new UnauthenticatedError(true, 'An access token is required, not an ID token');
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    if (options.clientIds.length > 0 && (clientId === undefined || !options.clientIds.includes(clientId)))
      throw new UnauthenticatedError(true, 'The access token was issued to another client');
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
    const expiresAt = payload.exp! * 1000;
    return { principal: { sub: String(payload.sub), clientId, scopes, expiresAt }, expiresAt };
  };

  return {
    async verify(token) {
      const hit = cache.get(token);
      if (hit) {
        cache.delete(token);
        if (hit.expiresAt > now()) {
          cache.set(token, hit); // most recently used last
          return hit.principal;
        }
      }
      const verified = await check(token);
      cache.set(token, verified);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      return verified.principal;
    },
  };
}

/**
 * Access tokens told from ID tokens: RFC 9068's `typ` (at+jwt) where the issuer sets one, Cognito's
 * `token_use: access` where it sets none (Cognito predates RFC 9068). Anything else (an OIDC ID token, typ JWT with
 * no token_use) is refused: an ID token says who logged in to a client, not what the bearer may do here.
 */
function isAccessToken(typ: string | undefined, payload: JWTPayload): boolean {
  if (payload.token_use !== undefined && payload.token_use !== 'access') return false;
  if (typ !== undefined) return /^(application\/)?at\+jwt$/i.test(typ);
  return payload.token_use === 'access';
}

/** The key set fetch failed (any status but 200, a timeout, a network error, a body that is not a JWKS). */
class KeysUnavailable extends Error {}

/**
 * The issuer's keys, from jose's remote key set, with what it leaves out: any failure to fetch them (jose throws a
 * plain JOSEError for a non-200 or a body that is not JSON) becomes "unavailable" (503), never "invalid token"
 * (401); and a failed fetch is remembered for the cooldown, during which the keys already held still verify and
 * nothing is fetched again, so a flood of unknown `kid`s while the issuer fails costs one fetch per cooldown.
 */
function keySource(remote: ReturnType<typeof createRemoteJWKSet>, cooldownMs: number, now: () => number): JWTVerifyGetKey {
  let failedUntil = 0;
  return async (header, token) => {
    if (now() < failedUntil) {
      const held = remote.jwks();
      if (!held) throw new KeysUnavailable("the issuer's keys could not be fetched");
      try {
        return await createLocalJWKSet(held)(header, token);
      } catch (error) {
        // A key we do not hold may be a new one the failing issuer could not give us: unavailable, not invalid.
        if (error instanceof joseErrors.JWKSNoMatchingKey)
          throw new KeysUnavailable("no matching key, and the issuer's keys could not be fetched", { cause: error });
        throw error;
      }
    }
    try {
      return await remote(header, token);
    } catch (error) {
      if (
        !(error instanceof joseErrors.JOSEError) ||
        error instanceof joseErrors.JWKSTimeout ||
        error instanceof joseErrors.JWKSInvalid ||
        error.constructor === joseErrors.JOSEError
      ) {
        failedUntil = now() + cooldownMs;
        throw new KeysUnavailable("the issuer's keys could not be fetched", { cause: error });
      }
      throw error;
    }
  };
}

/** Keys that could not be had (network, timeout, a broken answer), as opposed to a token that does not verify. */
function unavailable(error: unknown): boolean {
  if (error instanceof KeysUnavailable || error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return true;
  if (error instanceof joseErrors.JOSEError) return false;
  // By name: fetch's TypeError comes from another realm under test runners, and instanceof fails across realms.
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'TypeError' || name === 'AbortError' || name === 'TimeoutError' || error instanceof AuthUnavailableError;
}

async function discoverJwksUrl(issuer: string, timeoutMs: number): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (!res.ok || typeof doc.jwks_uri !== 'string') throw new Error(`no jwks_uri in ${url} (HTTP ${res.status})`);
    return doc.jwks_uri;
  } catch (error) {
    throw new AuthUnavailableError(undefined, { cause: error });
  }
}

/**
 * The one authorization step of every target: a token must be presented and verify, and hold `need` unless
 * `need` is 'token' (any valid token; GraphQL then checks a scope per field). Throws UnauthenticatedError (401),
 * ForbiddenError (403) or AuthUnavailableError (503).
 */
export async function authorize(verifier: TokenVerifier, credentials: PresentedCredentials, need: Scope | 'token'): Promise<Principal> {
  if (credentials.kind !== 'token') throw new UnauthenticatedError(credentials.kind === 'malformed');
  const principal = await verifier.verify(credentials.token);
  if (need !== 'token' && !principal.scopes.has(need)) throw new ForbiddenError(need);
  return principal;
}

/** A verifier from the configuration, or undefined when authentication is off. */
export function tokenVerifierFor(
  auth: { mode: 'off' } | ({ mode: 'jwt' } & Omit<TokenVerifierOptions, 'cacheSize' | 'fetchTimeoutMs' | 'now'>),
): TokenVerifier | undefined {
  return auth.mode === 'jwt' ? createTokenVerifier(auth) : undefined;
}
