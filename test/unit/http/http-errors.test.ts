import { DatabaseUnavailableError, NotFoundError, PayloadTooLargeError, ValidationError, httpStatusFor } from '../../../app/core/errors';
import { toErrorResponse } from '../../../app/http/http-errors';
import { requestIdFrom } from '../../../app/http/request-context';

describe('toErrorResponse', () => {
  it.each([
    [new NotFoundError("Item with id 'x' not found"), 404, 'NOT_FOUND'],
    [new ValidationError('bad'), 400, 'VALIDATION_FAILED'],
    [new PayloadTooLargeError('big'), 413, 'PAYLOAD_TOO_LARGE'],
    [new DatabaseUnavailableError(), 503, 'DATABASE_UNAVAILABLE'],
  ])('maps %p to %i %s', (error, status, code) => {
    const response = toErrorResponse(error);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: error.message, code });
  });

  it('asks clients to retry later when the database is unavailable', () => {
    expect(toErrorResponse(new DatabaseUnavailableError()).headers).toEqual({ 'Retry-After': '1' });
  });

  it('maps body-parser failures by type', () => {
    expect(toErrorResponse(Object.assign(new Error('x'), { type: 'entity.parse.failed', status: 400 })).status).toBe(400);
    expect(toErrorResponse(Object.assign(new Error('x'), { type: 'entity.too.large', status: 413 })).body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(toErrorResponse(Object.assign(new Error('x'), { type: 'charset.unsupported', status: 415 })).status).toBe(415);
  });

  it('hides the details of unknown errors', () => {
    const response = toErrorResponse(new Error('connection string postgres://secret'));
    expect(response).toMatchObject({ status: 500, body: { error: 'Internal server error', code: 'INTERNAL' }, internal: true });
    expect(JSON.stringify(response.body)).not.toContain('secret');
  });

  it('has a status for every code', () => {
    expect(httpStatusFor('SHUTTING_DOWN')).toBe(503);
    expect(httpStatusFor('METHOD_NOT_ALLOWED')).toBe(405);
    expect(httpStatusFor('UNSUPPORTED_MEDIA_TYPE')).toBe(415);
    expect(httpStatusFor('INTERNAL')).toBe(500);
  });
});

describe('requestIdFrom', () => {
  it('takes the Root of an ALB trace header', () => {
    expect(requestIdFrom('Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1')).toBe(
      '1-67891233-abcdef012345678912345678',
    );
    expect(requestIdFrom('Self=1-6789-abc;Root=1-6789-def')).toBe('1-6789-def');
  });

  it('generates an id when the header is absent or unsafe to log', () => {
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x\ny')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
