import { createResolver } from './operations';

/**
 * The one CORS policy of the API, spoken by both targets behind the ALB (the service's middleware and the DELETE
 * Lambda), so a browser on an allowed origin can call every route and read every answer, errors included.
 * No credentials mode: the API authenticates with bearer tokens in a header, never cookies
 * (https://fetch.spec.whatwg.org/#http-cors-protocol).
 */
export interface CorsPolicy {
  /** Exact origins, or patterns; empty: no CORS headers at all (browsers on other origins are refused). */
  readonly origins: readonly (string | RegExp)[];
  /** Production serves no reference pages, so their paths have no methods to offer (app/wire/operations.ts). */
  readonly production?: boolean;
}

const resolvers = { production: createResolver({ production: true }), development: createResolver({ production: false }) };

/** Request headers a frontend may send beyond the CORS-safelisted ones. */
export const CORS_ALLOWED_HEADERS = [
  'Content-Type',
  'Authorization',
  'If-Match',
  'If-None-Match',
  'apollo-require-preflight',
  'x-apollo-operation-name',
] as const;
/** Response headers scripts may read beyond the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['Location', 'Link', 'Retry-After', 'X-Request-Id', 'ETag', 'WWW-Authenticate'] as const;
/** Seconds a browser may reuse a preflight answer: Chromium caps it at 7200 (2 h), so more buys nothing there. */
const CORS_MAX_AGE_SECONDS = 7200;

/** Whether a browser on `origin` may use the API (its responses and its WebSocket upgrades). */
export function isAllowedOrigin(policy: CorsPolicy, origin: string | undefined): origin is string {
  return origin !== undefined && policy.origins.some((allowed) => (typeof allowed === 'string' ? allowed === origin : allowed.test(origin)));
}

/**
 * The CORS headers of an actual response (any status: a 401, 404 or 503 must be readable too). With CORS off
 * (no origins), none; otherwise `Vary: Origin` always, since the answer depends on it, and the origin echoed
 * with the exposed headers when it is allowed.
 */
export function corsResponseHeaders(policy: CorsPolicy, origin: string | undefined): Record<string, string> {
  if (policy.origins.length === 0) return {};
  if (!isAllowedOrigin(policy, origin)) return { Vary: 'Origin' };
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS.join(', '), Vary: 'Origin' };
}

export interface PreflightRequest {
  method: string;
  path: string;
  origin: string | undefined;
  /** Access-Control-Request-Method */
  requestMethod: string | undefined;
}

/**
 * The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method), or undefined when the
 * request is not one. An allowed origin gets the methods the path accepts (whoever serves them) and the allowed
 * headers; any other origin gets a 204 with no CORS headers, which the browser reads as a refusal.
 */
export function preflightAnswer(policy: CorsPolicy, request: PreflightRequest): { status: number; headers: Record<string, string> } | undefined {
  if (request.method !== 'OPTIONS' || request.origin === undefined || request.requestMethod === undefined || policy.origins.length === 0) return undefined;
  const vary = { Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' };
  const methods = resolvers[policy.production ? 'production' : 'development'].methodsFor(request.path);
  if (!isAllowedOrigin(policy, request.origin) || methods.length === 0) return { status: 204, headers: vary };
  return {
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': request.origin,
      'Access-Control-Allow-Methods': methods.join(', '),
      'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(', '),
      'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
      ...vary,
    },
  };
}
