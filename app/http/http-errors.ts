import { AuthUnavailableError, DatabaseUnavailableError, DeleteUnavailableError, DomainError, ForbiddenError, httpStatusFor, UnauthenticatedError, VersionConflictError, type ErrorCode } from '../core/errors';
import { insufficientScopeChallenge, unauthenticatedChallenge } from '../wire/auth';
import { etagOf } from '../wire/etag';

export interface ErrorBody {
  error: string;
  code: ErrorCode;
}

/** What body-parser and Express itself throw for bad requests, by `type` (body-parser) or `status`. */
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
 * Turns any error into the status, body and headers a client sees. Domain
 * errors keep their message; framework errors get a fixed message; anything
 * else is an internal error whose details stay in the log.
 */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; headers: Record<string, string>; internal: boolean } {
  if (error instanceof DomainError) {
    const headers: Record<string, string> =
      error instanceof DatabaseUnavailableError || error instanceof AuthUnavailableError || error instanceof DeleteUnavailableError
        ? { 'Retry-After': String(error.retryAfterSeconds) }
        : error instanceof VersionConflictError
          ? { ETag: etagOf({ id: error.id, version: error.currentVersion }) }
        : error instanceof UnauthenticatedError
          ? { 'WWW-Authenticate': unauthenticatedChallenge(error.presented) }
          : error instanceof ForbiddenError
            ? { 'WWW-Authenticate': insufficientScopeChallenge(error.scope) }
            : {};
    return { status: httpStatusFor(error.code), body: { error: error.message, code: error.code }, headers, internal: false };
  }
  const known = error as { type?: unknown; status?: unknown; statusCode?: unknown };
  const parserError = typeof known.type === 'string' ? BODY_PARSER_ERRORS[known.type] : undefined;
  if (parserError) {
    return { status: httpStatusFor(parserError.code), body: { error: parserError.message, code: parserError.code }, headers: {}, internal: false };
  }
  // Express 5 rejects undecodable path parameters (`%E0%A4%A`) with a 400 URIError.
  if (error instanceof URIError || known.status === 400 || known.statusCode === 400) {
    return { status: 400, body: { error: 'Malformed request', code: 'VALIDATION_FAILED' }, headers: {}, internal: false };
  }
  return { status: 500, body: { error: 'Internal server error', code: 'INTERNAL' }, headers: {}, internal: true };
}

/** The same error in the GraphQL-over-HTTP shape, for errors answered before GraphQL runs (body, token). */
export function graphqlErrorBody(body: ErrorBody): { errors: { message: string; extensions: { code: string } }[] } {
  return { errors: [{ message: body.error, extensions: { code: body.code === 'VALIDATION_FAILED' ? 'BAD_REQUEST' : body.code } }] };
}
