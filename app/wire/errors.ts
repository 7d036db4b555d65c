import { describeCause, DOMAIN_ERRORS, DomainError, ForbiddenError, UnauthenticatedError, VersionConflictError, type DomainErrorCode } from '../core/errors';
import { INVALID_REQUEST_CHALLENGE, insufficientScopeChallenge, unauthenticatedChallenge } from './auth';
import type { Logger } from '../core/logger';
import { etagOf } from './etag';

/**
 * The one error catalogue of the API: every `code` a client can receive, with its status, the message used when
 * the error carries none, how long to wait before retrying, and the name GraphQL gives it where that differs. The
 * domain codes and their messages come from app/core/errors.ts; the transports', the edge's and GraphQL's own codes
 * are written here. The service (REST and GraphQL), the DELETE Lambda and the local ALB all answer through
 * `toErrorResponse`; the ALB's fixed responses in Terraform (the 404 of an uncatalogued request, WAF's 429) are
 * generated from it (terraform/modules/alb/listener-rules.json); openapi/picus.yaml's `code` enum is held equal to
 * it by test/unit/wire/errors.test.ts. One code means one status and one message wherever it comes from.
 */

/** Codes only a transport or the edge raises: the request never reached a domain operation. */
export type TransportErrorCode =
  | 'METHOD_NOT_ALLOWED'
  | 'HEADERS_TOO_LARGE'
  | 'SHUTTING_DOWN'
  // WAF's answer to a client over the rate limit (terraform/modules/alb).
  | 'RATE_LIMITED'
  // The ALB's own answers (the local ALB's JSON stand-ins for the real one's HTML pages).
  | 'JWKS_UNAVAILABLE'
  | 'BAD_GATEWAY'
  | 'NO_HEALTHY_TARGET'
  | 'GATEWAY_TIMEOUT';

export type ErrorCode = DomainErrorCode | TransportErrorCode;

export interface CatalogueEntry {
  status: number;
  /** Sent when the error has no message of its own (transport errors, the ALB, the 404 of an unknown path). */
  message: string;
  /** Sent as Retry-After (and GraphQL's extensions.retryAfterSeconds): the failure is temporary. */
  retryAfterSeconds?: number;
  /** GraphQL's name for the code, where it speaks differently (extensions.code); else the code itself. */
  graphql?: string;
  /** Only the local ALB sends it as JSON; the real ALB answers with an HTML page, so the REST contract leaves it out. */
  localEdgeOnly?: true;
}

export const ERROR_CATALOGUE: { readonly [C in ErrorCode]: CatalogueEntry } = {
  // GraphQL-over-HTTP names a request it cannot run BAD_REQUEST (Apollo's code for it).
  VALIDATION_FAILED: { status: 400, message: DOMAIN_ERRORS.VALIDATION_FAILED, graphql: 'BAD_REQUEST' },
  UNAUTHENTICATED: { status: 401, message: DOMAIN_ERRORS.UNAUTHENTICATED },
  FORBIDDEN: { status: 403, message: DOMAIN_ERRORS.FORBIDDEN },
  NOT_FOUND: { status: 404, message: DOMAIN_ERRORS.NOT_FOUND },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  // GraphQL speaks of versions, not preconditions.
  PRECONDITION_FAILED: { status: 412, message: DOMAIN_ERRORS.PRECONDITION_FAILED, graphql: 'CONFLICT' },
  PAYLOAD_TOO_LARGE: { status: 413, message: DOMAIN_ERRORS.PAYLOAD_TOO_LARGE },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: DOMAIN_ERRORS.UNSUPPORTED_MEDIA_TYPE },
  PRECONDITION_REQUIRED: { status: 428, message: DOMAIN_ERRORS.PRECONDITION_REQUIRED },
  RATE_LIMITED: { status: 429, message: 'Too many requests: retry after 300 seconds', retryAfterSeconds: 300 },
  HEADERS_TOO_LARGE: { status: 431, message: 'Request line or headers are too large' },
  INTERNAL: { status: 500, message: DOMAIN_ERRORS.INTERNAL, graphql: 'INTERNAL_SERVER_ERROR' },
  JWKS_UNAVAILABLE: { status: 500, message: 'Internal Server Error', localEdgeOnly: true },
  BAD_GATEWAY: { status: 502, message: 'Bad Gateway', localEdgeOnly: true },
  DATABASE_UNAVAILABLE: { status: 503, message: DOMAIN_ERRORS.DATABASE_UNAVAILABLE, retryAfterSeconds: 1 },
  AUTH_UNAVAILABLE: { status: 503, message: DOMAIN_ERRORS.AUTH_UNAVAILABLE, retryAfterSeconds: 5 },
  DELETE_UNAVAILABLE: { status: 503, message: DOMAIN_ERRORS.DELETE_UNAVAILABLE, retryAfterSeconds: 1 },
  // A draining task: the ALB stops sending to it within a health-check interval, so no retry hint.
  SHUTTING_DOWN: { status: 503, message: 'Shutting down' },
  NO_HEALTHY_TARGET: { status: 503, message: 'Service Unavailable', localEdgeOnly: true },
  GATEWAY_TIMEOUT: { status: 504, message: 'Gateway Timeout', localEdgeOnly: true },
};

/** Codes only GraphQL sends, for what has no REST counterpart. */
export const GRAPHQL_ONLY_ERRORS = {
  // The original service also stored arrays, strings and numbers; the schema's JSONObject cannot carry them.
  DATA_NOT_OBJECT: 'This item was stored by the original service with non-object data; read it over REST',
} as const;

/** The code a GraphQL client sees for a catalogue code. */
export function graphqlCodeOf(code: ErrorCode): string {
  return ERROR_CATALOGUE[code].graphql ?? code;
}

/** The codes the local ALB answers with itself (its edge token check, its limits, its targets failing). */
export type EdgeErrorCode = Extract<
  ErrorCode,
  'UNAUTHENTICATED' | 'PAYLOAD_TOO_LARGE' | 'JWKS_UNAVAILABLE' | 'BAD_GATEWAY' | 'NO_HEALTHY_TARGET' | 'GATEWAY_TIMEOUT'
>;

/** An error a transport raises itself (405, 431, draining, the ALB's answers), with any headers it implies (Allow). */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CATALOGUE[code].message,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 for two Authorization headers: parsers differ on which one counts, so neither is used (RFC 6750 invalid_request). */
export const duplicateAuthorizationError = (): HttpError =>
  new HttpError('VALIDATION_FAILED', 'Send one Authorization header', { 'WWW-Authenticate': INVALID_REQUEST_CHALLENGE });

/** 400 for a path parameter whose percent-escapes do not decode (the catalogue's `malformed` resolution). */
export const malformedPathError = (): HttpError => new HttpError('VALIDATION_FAILED', 'Malformed percent-encoding in the path');

export interface ErrorBody {
  error: string;
  code: ErrorCode;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** Not an error the API meant to raise: its details stay in the log, and it is logged with its stack. */
  internal: boolean;
}

/** What body-parser (Express's JSON parser) throws for bad requests, by its `type`. */
const BODY_PARSER_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  'entity.parse.failed': { code: 'VALIDATION_FAILED', message: 'Malformed JSON body' },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  'entity.verify.failed': { code: 'VALIDATION_FAILED', message: 'Request body was rejected' },
  'encoding.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content encoding' },
  'charset.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported charset: send UTF-8 JSON' },
  'request.aborted': { code: 'VALIDATION_FAILED', message: 'Request body was aborted' },
  'request.size.invalid': { code: 'VALIDATION_FAILED', message: 'Request body size does not match Content-Length' },
};

/**
 * Turns any error into the status, body and headers a client sees. Domain and transport errors keep their
 * message; framework errors get a fixed one; anything else is an internal error whose details stay in the log.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof DomainError || error instanceof HttpError) {
    return response(error.code, error.message, headersOf(error), false);
  }
  const known = error as { type?: unknown; status?: unknown; statusCode?: unknown };
  const parserError = typeof known.type === 'string' ? BODY_PARSER_ERRORS[known.type] : undefined;
  if (parserError) return response(parserError.code, parserError.message, {}, false);
  // Express 5 rejects undecodable path parameters (`%E0%A4%A`) with a 400 URIError.
  if (error instanceof URIError || known.status === 400 || known.statusCode === 400)
    return response('VALIDATION_FAILED', ERROR_CATALOGUE.VALIDATION_FAILED.message, {}, false);
  return response('INTERNAL', ERROR_CATALOGUE.INTERNAL.message, {}, true);
}

function response(code: ErrorCode, message: string, extra: Record<string, string>, internal: boolean): ErrorResponse {
  const { status, retryAfterSeconds } = ERROR_CATALOGUE[code];
  const headers = retryAfterSeconds === undefined ? extra : { 'Retry-After': String(retryAfterSeconds), ...extra };
  return { status, body: { error: message, code }, headers, internal };
}

function headersOf(error: DomainError | HttpError): Record<string, string> {
  if (error instanceof HttpError) return { ...error.headers };
  if (error instanceof VersionConflictError) return { ETag: etagOf({ id: error.id, version: error.currentVersion }) };
  if (error instanceof UnauthenticatedError) return { 'WWW-Authenticate': unauthenticatedChallenge(error.presented) };
  if (error instanceof ForbiddenError) return { 'WWW-Authenticate': insufficientScopeChallenge(error.scope) };
  return {};
}

/** The same error in the GraphQL-over-HTTP shape, for errors answered before GraphQL runs (body, token). */
export function graphqlErrorBody(body: ErrorBody): { errors: { message: string; extensions: { code: string } }[] } {
  return { errors: [{ message: body.error, extensions: { code: graphqlCodeOf(body.code) } }] };
}

/**
 * The one failure-logging policy of every transport (REST, GraphQL, the Lambda, the local ALB): an error nobody
 * meant to raise is logged at error level with its stack; a 5xx the API raised on purpose (a dependency is down,
 * the task is draining) at warn, with its code and cause, one line per failure; a client's mistake is not logged,
 * as the access line already says what was answered. `fields` says where (requestId, route...).
 */
export function logFailure(logger: Logger, error: unknown, answer: ErrorResponse, fields: Record<string, unknown> = {}): void {
  if (answer.internal) logger.error({ ...fields, err: error }, 'unexpected error');
  else if (answer.status >= 500) logger.warn({ ...fields, code: answer.body.code, cause: describeCause(error) }, 'dependency failure');
}
