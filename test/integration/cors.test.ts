import { servedOperations } from '../../app/wire/operations';
import { startLocalStack, type LocalStack } from '../support/local-stack';

/**
 * CORS through the local ALB, over real sockets, from a browser origin the development settings allow
 * (http://localhost:*) and from one they do not: both targets (the service and the DELETE Lambda) must speak the one
 * policy, on successes and on errors alike.
 */
const ALLOWED = 'http://localhost:5173';
const OTHER = 'https://evil.example';

describe('CORS through the local ALB', () => {
  let stack: LocalStack;
  let base: string;
  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    fetch(base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const create = async (): Promise<string> => ((await (await call('POST', '/picus/put', {}, { cors: true })).json()) as { id: string }).id;

  beforeAll(async () => {
    stack = await startLocalStack();
    base = stack.alb.url;
  });
  afterAll(() => stack.close());

  it.each(servedOperations({ production: false }).map((r) => [r.method, r.path, r.target] as const))(
    'answers the preflight of %s %s (served by the %s) from an allowed origin',
    async (method, path) => {
      const res = await call('OPTIONS', path.replace(/\{[a-z]+\}/g, 'some-id'), {
        origin: ALLOWED,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, content-type',
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-methods')!.split(', ')).toContain(method);
      expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
      expect(res.headers.get('access-control-max-age')).toBe('7200');
    },
  );

  it('lets a browser DELETE through the Lambda and read its answer, and its 404', async () => {
    const id = await create();
    const deleted = await call('DELETE', `/picus/${id}`, { origin: ALLOWED });
    expect(deleted.status).toBe(200);
    expect(deleted.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(deleted.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(deleted.headers.get('vary')).toContain('Origin');
    const again = await call('DELETE', `/picus/${id}`, { origin: ALLOWED });
    expect(again.status).toBe(404);
    expect(again.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(((await again.json()) as { code: string }).code).toBe('NOT_FOUND');
  });

  it('exposes Location on a put and Link on a page of the list', async () => {
    const put = await call('POST', '/picus/put', { origin: ALLOWED }, { cors: 'location' });
    expect(put.status).toBe(201);
    expect(put.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(put.headers.get('access-control-expose-headers')).toContain('Location');
    await create();
    const page = await call('GET', '/picus/list?limit=1', { origin: ALLOWED });
    expect(page.headers.get('link')).toMatch(/rel="next"/);
    expect(page.headers.get('access-control-expose-headers')).toContain('Link');
  });

  it.each([
    ['a missing item', 'GET', '/picus/get/no-such-id', undefined, 404],
    ['a wrong method', 'PATCH', '/picus/list', undefined, 405],
    ['an empty body', 'POST', '/picus/put', {}, 400],
    ['a GraphQL error', 'POST', '/graphql', { query: '{ nope }' }, 400],
  ])('lets a browser read the error for %s (%s %s)', async (_name, method, path, body, status) => {
    const res = await call(method, path, { origin: ALLOWED }, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('answers an unknown path at the ALB itself, a fixed JSON 404 that no target sees (and that carries no CORS headers)', async () => {
    const res = await call('GET', '/no/such/path', { origin: ALLOWED });
    expect([res.status, res.headers.get('server'), await res.json()]).toEqual([404, 'awselb/2.0', { error: 'Not found', code: 'NOT_FOUND' }]);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives another origin no CORS headers, from the service or the Lambda, preflight or not', async () => {
    const preflight = await call('OPTIONS', '/picus/abc', { origin: OTHER, 'access-control-request-method': 'DELETE' });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    const id = await create();
    for (const res of [await call('GET', `/picus/get/${id}`, { origin: OTHER }), await call('DELETE', `/picus/${id}`, { origin: OTHER })]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toContain('Origin');
    }
  });
});
