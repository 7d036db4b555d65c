import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, corsResponseHeaders, preflightAnswer } from '../../../app/wire/cors-policy';

const policy = { origins: ['http://localhost:5173', /^https:\/\/[a-z]+\.example\.com$/] };

describe('app/wire/cors-policy: the API CORS policy', () => {
  it("answers a DELETE preflight from an allowed origin with the path's methods, headers and max age", () => {
    expect(preflightAnswer(policy, { method: 'OPTIONS', path: '/picus/abc', origin: 'http://localhost:5173', requestMethod: 'DELETE' })).toEqual({
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': 'http://localhost:5173',
        'Access-Control-Allow-Methods': 'PUT, DELETE',
        'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(', '),
        'Access-Control-Max-Age': '7200',
        Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      },
    });
    expect(CORS_ALLOWED_HEADERS).toEqual(expect.arrayContaining(['Content-Type', 'Authorization', 'If-Match', 'If-None-Match', 'apollo-require-preflight']));
  });

  it('refuses a preflight from another origin with no CORS headers at all', () => {
    const answer = preflightAnswer(policy, { method: 'OPTIONS', path: '/picus/abc', origin: 'https://evil.test', requestMethod: 'DELETE' });
    expect(answer).toEqual({ status: 204, headers: { Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' } });
  });

  it('matches origin patterns whole, not as substrings', () => {
    expect(
      preflightAnswer(policy, { method: 'OPTIONS', path: '/graphql', origin: 'https://app.example.com', requestMethod: 'POST' })!.headers[
        'Access-Control-Allow-Origin'
      ],
    ).toBe('https://app.example.com');
    expect(
      preflightAnswer(policy, { method: 'OPTIONS', path: '/graphql', origin: 'https://app.example.com.evil.test', requestMethod: 'POST' })!.headers[
        'Access-Control-Allow-Origin'
      ],
    ).toBeUndefined();
  });

  it('is not a preflight without Origin or Access-Control-Request-Method, or with CORS off', () => {
    expect(preflightAnswer(policy, { method: 'OPTIONS', path: '/picus/abc', origin: undefined, requestMethod: 'DELETE' })).toBeUndefined();
    expect(preflightAnswer(policy, { method: 'OPTIONS', path: '/picus/abc', origin: 'http://localhost:5173', requestMethod: undefined })).toBeUndefined();
    expect(
      preflightAnswer({ origins: [] }, { method: 'OPTIONS', path: '/picus/abc', origin: 'http://localhost:5173', requestMethod: 'DELETE' }),
    ).toBeUndefined();
  });

  it('exposes Location, Link, Retry-After, X-Request-Id, ETag and WWW-Authenticate to an allowed origin, and varies on Origin', () => {
    expect(corsResponseHeaders(policy, 'http://localhost:5173')).toEqual({
      'Access-Control-Allow-Origin': 'http://localhost:5173',
      'Access-Control-Expose-Headers': 'Location, Link, Retry-After, X-Request-Id, ETag, WWW-Authenticate',
      Vary: 'Origin',
    });
    expect([...CORS_EXPOSED_HEADERS]).toEqual(['Location', 'Link', 'Retry-After', 'X-Request-Id', 'ETag', 'WWW-Authenticate']);
    expect(corsResponseHeaders(policy, 'https://evil.test')).toEqual({ Vary: 'Origin' });
    expect(corsResponseHeaders(policy, undefined)).toEqual({ Vary: 'Origin' });
    expect(corsResponseHeaders({ origins: [] }, 'http://localhost:5173')).toEqual({});
  });
});
