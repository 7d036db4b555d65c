import { ALL_SCOPES } from '../../app/core/auth/access';
import { LOCAL_AUDIENCE, startLocalIssuer, type LocalIssuer } from '../../local/issuer';
import { etagOf } from '../../app/wire/etag';
import { startLocalStack, type LocalStack } from '../support/local-stack';

/**
 * The whole life cycle over both transports through the local ALB, with tokens on: versioned updates with
 * If-Match / expectedVersion, 304 on If-None-Match, and GraphQL deleteItem through the DELETE Lambda's Invoke API.
 */
const ALL = [...ALL_SCOPES];

describe('full CRUD', () => {
  let issuer: LocalIssuer;
  let stack: LocalStack;
  let base: string;
  let token: string;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, bearer = token) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as any };
  };
  const gql = async (query: string, variables: Record<string, unknown> = {}, bearer = token) =>
    (await call('POST', '/graphql', { query, variables }, {}, bearer)).json();
  const create = async (data: Record<string, unknown> = { n: 0 }) => (await call('POST', '/picus/put', data)).json().id as string;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    stack = await startLocalStack({ AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE }, { edge: true });
    base = stack.alb.url;
    token = await issuer.tokenFor({ id: 'crud-client', secret: 'x', scopes: ALL });
  });
  afterAll(async () => {
    await stack.close();
    await issuer.close();
  });

  describe('REST', () => {
    it('answers GET with a strong ETag from id and version, and If-None-Match with 304', async () => {
      const id = await create();
      const got = await call('GET', `/picus/get/${id}`);
      expect(got.headers.get('etag')).toBe(etagOf({ id, version: 1 }));
      expect(got.headers.get('etag')).toMatch(/^"1\.[A-Za-z0-9_-]{16}"$/);
      const again = await call('GET', `/picus/get/${id}`, undefined, { 'if-none-match': got.headers.get('etag')! });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect((await call('GET', `/picus/get/${id}`, undefined, { 'if-none-match': '"9.nothing"' })).status).toBe(200);
    });

    it('replaces data with If-Match, bumps the version, keeps createdAt/createdBy and sets updatedAt/updatedBy', async () => {
      const id = await create({ v: 1 });
      const before = await call('GET', `/picus/get/${id}`);
      const put = await call('PUT', `/picus/${id}`, { v: 2 }, { 'if-match': before.headers.get('etag')! });
      expect(put.status).toBe(200);
      expect(put.headers.get('etag')).toBe(etagOf({ id, version: 2 }));
      const item = put.json();
      expect(item).toMatchObject({ id, data: { v: 2 }, createdAt: before.json().createdAt, createdBy: 'crud-client', updatedBy: 'crud-client' });
      expect(typeof item.updatedAt).toBe('string');
      expect((await call('GET', `/picus/get/${id}`)).json().data).toEqual({ v: 2 });
    });

    it('refuses a stale ETag with 412 PRECONDITION_FAILED and the current ETag, writing nothing', async () => {
      const id = await create({ v: 1 });
      const stale = etagOf({ id, version: 1 });
      expect((await call('PUT', `/picus/${id}`, { v: 2 }, { 'if-match': stale })).status).toBe(200);
      const refused = await call('PUT', `/picus/${id}`, { v: 3 }, { 'if-match': stale });
      expect(refused.status).toBe(412);
      expect(refused.json().code).toBe('PRECONDITION_FAILED');
      expect(refused.headers.get('etag')).toBe(etagOf({ id, version: 2 }));
      expect((await call('GET', `/picus/get/${id}`)).json().data).toEqual({ v: 2 });
    });

    it('refuses a PUT without If-Match with 428 PRECONDITION_REQUIRED, and an ETag of another item with 412', async () => {
      const id = await create();
      const other = await create();
      const blind = await call('PUT', `/picus/${id}`, { v: 2 });
      expect(blind.status).toBe(428);
      expect(blind.json().code).toBe('PRECONDITION_REQUIRED');
      expect((await call('PUT', `/picus/${id}`, { v: 2 }, { 'if-match': etagOf({ id: other, version: 1 }) })).status).toBe(412);
      expect((await call('PUT', `/picus/${id}`, { v: 2 }, { 'if-match': '*' })).status).toBe(200);
    });

    it('answers 404 for a missing item, 400 for bad data, 403 without picus/write, and keeps PUT /picus/put a 405', async () => {
      expect((await call('PUT', '/picus/nope', { v: 1 }, { 'if-match': '*' })).status).toBe(404);
      expect((await call('PUT', '/picus/nope', { v: 1 }, { 'if-match': etagOf({ id: 'nope', version: 1 }) })).status).toBe(404);
      const id = await create();
      expect((await call('PUT', `/picus/${id}`, {}, { 'if-match': '*' })).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      const reader = await issuer.tokenFor({ id: 'reader', secret: 'x', scopes: ['picus/read'] });
      expect((await call('PUT', `/picus/${id}`, { v: 1 }, { 'if-match': '*' }, reader)).status).toBe(401); // the edge refuses it
      expect(
        (
          await fetch(`${stack.service.url}/picus/${id}`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json', 'if-match': '*' },
            body: '{"v":1}',
          })
        ).status,
      ).toBe(403);
      expect((await call('PUT', '/picus/put', { v: 1 }, { 'if-match': '*' })).status).toBe(405);
    });

    it('updates items the original wrote (no version) as version 1', async () => {
      await stack.t.core.itemStore.put({ id: 'legacy-crud', data: { old: true } });
      const got = await call('GET', '/picus/get/legacy-crud');
      expect(got.headers.get('etag')).toBe(etagOf({ id: 'legacy-crud', version: 1 }));
      const put = await call('PUT', '/picus/legacy-crud', { old: false }, { 'if-match': got.headers.get('etag')! });
      expect(put.status).toBe(200);
      expect(put.headers.get('etag')).toBe(etagOf({ id: 'legacy-crud', version: 2 }));
    });
  });

  describe('GraphQL', () => {
    it('updates with expectedVersion, and answers a stale one with CONFLICT and the current version', async () => {
      const id = await create({ v: 1 });
      const ok = await gql('mutation($id: ID!) { updateItem(id: $id, data: { v: 2 }, expectedVersion: 1) { id version data updatedBy } }', { id });
      expect(ok).toEqual({ data: { updateItem: { id, version: 2, data: { v: 2 }, updatedBy: 'crud-client' } } });
      const stale = await gql('mutation($id: ID!) { updateItem(id: $id, data: { v: 3 }, expectedVersion: 1) { id } }', { id });
      expect(stale.errors[0].extensions).toEqual({ code: 'CONFLICT', currentVersion: 2 });
      expect((await gql('query($id: ID!) { item(id: $id) { version data } }', { id })).data.item).toEqual({ version: 2, data: { v: 2 } });
    });

    it("deletes through the DELETE Lambda's Invoke API and returns the deleted id and data; NOT_FOUND after", async () => {
      const id = await create({ bye: true });
      const before = stack.lambdaApi.invocations();
      const deleted = await gql('mutation($id: ID!) { deleteItem(id: $id) { id data } }', { id });
      expect(deleted).toEqual({ data: { deleteItem: { id, data: { bye: true } } } });
      expect(stack.lambdaApi.invocations() - before).toBe(1);
      expect((await call('GET', `/picus/get/${id}`)).status).toBe(404);
      const again = await gql('mutation($id: ID!) { deleteItem(id: $id) { id } }', { id });
      expect(again.errors[0].extensions.code).toBe('NOT_FOUND');
    });

    it("needs picus/delete, which the Lambda checks on the caller's own token", async () => {
      const id = await create();
      const writer = await issuer.tokenFor({ id: 'writer', secret: 'x', scopes: ['picus/read', 'picus/write'] });
      const refused = await gql('mutation($id: ID!) { deleteItem(id: $id) { id } }', { id }, writer);
      expect(refused.errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await call('GET', `/picus/get/${id}`)).status).toBe(200);
    });

    it('deletes exactly once among 20 concurrent GraphQL deleteItems mixed with REST DELETEs', async () => {
      const id = await create({ contested: true });
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? gql('mutation($id: ID!) { deleteItem(id: $id) { id } }', { id }).then((r) => (r.data?.deleteItem ? 'ok' : r.errors[0].extensions.code))
            : call('DELETE', `/picus/${id}`).then((r) => (r.status === 200 ? 'ok' : r.json().code)),
        ),
      );
      expect(attempts.filter((a) => a === 'ok')).toHaveLength(1);
      expect(attempts.filter((a) => a === 'NOT_FOUND')).toHaveLength(19);
    });
  });

  describe('the local Lambda Invoke API', () => {
    it('answers an unknown function with 404 ResourceNotFoundException, as Lambda does', async () => {
      const res = await fetch(`${stack.lambdaApi.url}/2015-03-31/functions/no-such-function/invocations`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    });

    it('turns an unreachable Lambda into DELETE_UNAVAILABLE with a retry hint, never an internal error', async () => {
      const down = await startLocalStack({ AUTH_MODE: 'off', LAMBDA_ENDPOINT: 'http://127.0.0.1:9', DELETE_FUNCTION_NAME: 'picus-test-delete' });
      try {
        const { id } = await down.t.core.itemService.create({ x: 1 });
        const res = await fetch(`${down.service.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `mutation { deleteItem(id: "${id}") { id } }` }),
        });
        const body = (await res.json()) as any;
        expect(body.errors[0].extensions).toEqual({ code: 'DELETE_UNAVAILABLE', retryAfterSeconds: 1 });
        expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      } finally {
        await down.close();
      }
    });
  });
});
