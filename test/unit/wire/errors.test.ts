import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import pino from 'pino';
import { Writable } from 'node:stream';
import {
  AuthUnavailableError,
  DatabaseUnavailableError,
  DeleteUnavailableError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  ValidationError,
  VersionConflictError,
  DOMAIN_ERRORS,
} from '../../../app/core/errors';
import { etagOf } from '../../../app/wire/etag';
import { ERROR_CATALOGUE, graphqlCodeOf, HttpError, logFailure, toErrorResponse, type ErrorCode } from '../../../app/wire/errors';

/** Written out by hand from the OpenAPI spec and RFC 9110: the catalogue must agree with it code for code. */
const EXPECTED_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  JWKS_UNAVAILABLE: 500,
  BAD_GATEWAY: 502,
  DATABASE_UNAVAILABLE: 503,
  AUTH_UNAVAILABLE: 503,
  DELETE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  NO_HEALTHY_TARGET: 503,
  GATEWAY_TIMEOUT: 504,
};

describe('the error catalogue', () => {
  it.each(Object.entries(EXPECTED_STATUS))('answers %s with %i, a message and the code itself', (code, status) => {
    const answer = toErrorResponse(new HttpError(code as ErrorCode));
    expect(answer).toMatchObject({ status, body: { code, error: ERROR_CATALOGUE[code as ErrorCode].message }, internal: false });
    expect(answer.body.error.length).toBeGreaterThan(0);
  });

  it('lists exactly the codes of the expected table', () => {
    expect(Object.keys(ERROR_CATALOGUE).sort()).toEqual(Object.keys(EXPECTED_STATUS).sort());
  });

  it('takes every domain code and its message from app/core/errors.ts, so a domain error and the catalogue say the same', () => {
    for (const [code, message] of Object.entries(DOMAIN_ERRORS)) expect([code, ERROR_CATALOGUE[code as ErrorCode].message]).toEqual([code, message]);
    for (const error of [
      new PreconditionRequiredError(),
      new DatabaseUnavailableError(),
      new DeleteUnavailableError(),
      new AuthUnavailableError(),
      new UnauthenticatedError(false),
    ]) {
      expect([error.code, error.message]).toEqual([error.code, ERROR_CATALOGUE[error.code].message]);
    }
  });

  it("is the code enum of openapi/picus.yaml: every code a REST client can receive, less the local ALB's JSON stand-ins for the real one's HTML pages", () => {
    const spec = parse(readFileSync(join(__dirname, '../../../openapi/picus.yaml'), 'utf8'));
    const published = Object.entries(ERROR_CATALOGUE)
      .filter(([, entry]) => !entry.localEdgeOnly)
      .map(([code]) => code);
    expect([...spec.components.schemas.Error.properties.code.enum].sort()).toEqual(published.sort());
  });

  it('names for GraphQL the codes it speaks of differently, and leaves the rest as they are', () => {
    expect(graphqlCodeOf('PRECONDITION_FAILED')).toBe('CONFLICT');
    expect(graphqlCodeOf('VALIDATION_FAILED')).toBe('BAD_REQUEST');
    expect(graphqlCodeOf('INTERNAL')).toBe('INTERNAL_SERVER_ERROR');
    expect(graphqlCodeOf('NOT_FOUND')).toBe('NOT_FOUND');
  });
});

describe('toErrorResponse', () => {
  it.each([
    [new NotFoundError("Item with id 'x' not found"), 404, 'NOT_FOUND'],
    [new ValidationError('bad'), 400, 'VALIDATION_FAILED'],
    [new PayloadTooLargeError('big'), 413, 'PAYLOAD_TOO_LARGE'],
    [new UnsupportedMediaTypeError('xml'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [new PreconditionRequiredError(), 428, 'PRECONDITION_REQUIRED'],
    [new DatabaseUnavailableError(), 503, 'DATABASE_UNAVAILABLE'],
  ])('maps %p to %i %s with its own message', (error, status, code) => {
    const response = toErrorResponse(error);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: error.message, code });
  });

  it.each([
    [new DatabaseUnavailableError(), '1'],
    [new DeleteUnavailableError(), '1'],
    [new AuthUnavailableError(), '5'],
  ])('asks clients to retry %p after %s s', (error, seconds) => {
    expect(toErrorResponse(error).headers).toEqual({ 'Retry-After': seconds });
  });

  it('gives a version conflict the ETag of the version the item is at', () => {
    expect(toErrorResponse(new VersionConflictError('k', 7)).headers).toEqual({ ETag: etagOf({ id: 'k', version: 7 }) });
  });

  it('challenges a missing token without an error, a bad one with invalid_token, a lacking scope with insufficient_scope', () => {
    expect(toErrorResponse(new UnauthenticatedError(false)).headers['WWW-Authenticate']).toBe('Bearer realm="picus"');
    expect(toErrorResponse(new UnauthenticatedError(true)).headers['WWW-Authenticate']).toBe('Bearer realm="picus", error="invalid_token"');
    expect(toErrorResponse(new ForbiddenError('picus/write'))).toMatchObject({
      status: 403,
      headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="picus/write"' },
    });
  });

  it('keeps the headers a transport error names (Allow on a 405)', () => {
    expect(toErrorResponse(new HttpError('METHOD_NOT_ALLOWED', 'use GET', { Allow: 'GET' }))).toEqual({
      status: 405,
      body: { error: 'use GET', code: 'METHOD_NOT_ALLOWED' },
      headers: { Allow: 'GET' },
      internal: false,
    });
  });

  it.each([
    ['entity.parse.failed', 400, 'VALIDATION_FAILED'],
    ['entity.too.large', 413, 'PAYLOAD_TOO_LARGE'],
    ['charset.unsupported', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['encoding.unsupported', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['request.aborted', 400, 'VALIDATION_FAILED'],
  ])('maps the body-parser failure %s to %i %s', (type, status, code) => {
    expect(toErrorResponse(Object.assign(new Error('x'), { type, status }))).toMatchObject({ status, body: { code }, internal: false });
  });

  it('answers an undecodable path (URIError) with 400', () => {
    expect(toErrorResponse(new URIError('URI malformed'))).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('hides the details of unknown errors', () => {
    const response = toErrorResponse(new Error('connection string postgres://secret'));
    expect(response).toMatchObject({ status: 500, body: { error: 'Internal server error', code: 'INTERNAL' }, internal: true });
    expect(JSON.stringify(response.body)).not.toContain('secret');
  });
});

describe('logFailure', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    return { logger: pino({ formatters: { level: (label) => ({ level: label }) } }, sink), lines };
  };

  it('logs an unexpected error at error level with its stack, a dependency failure at warn with its cause, a client error not at all', async () => {
    const { logger, lines } = capture();
    for (const error of [
      new Error('boom'),
      new DatabaseUnavailableError(undefined, { cause: new Error('ECONNREFUSED') }),
      new ValidationError('bad'),
      new HttpError('SHUTTING_DOWN'),
    ]) {
      logFailure(logger, error, toErrorResponse(error), { requestId: 'r1' });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.level, l.msg, l.code])).toEqual([
      ['error', 'unexpected error', undefined],
      ['warn', 'dependency failure', 'DATABASE_UNAVAILABLE'],
      ['warn', 'dependency failure', 'SHUTTING_DOWN'],
    ]);
    expect(lines[0]).toMatchObject({ requestId: 'r1', err: { message: 'boom', stack: expect.any(String) } });
    expect(lines[1]).toMatchObject({ requestId: 'r1', cause: 'Error: ECONNREFUSED' });
  });
});
