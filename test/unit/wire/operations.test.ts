import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SCOPE_DESCRIPTIONS } from '../../../app/core/auth/access';
import { createResolver, OPERATIONS, requestTarget, type Operation } from '../../../app/wire/operations';
import { createRouter, loadListenerRules } from '../../../local/alb-rules';

const development = createResolver({ production: false });
const production = createResolver({ production: true });
const operations = OPERATIONS as readonly Operation[];
const sample = (path: string) => path.replace(/\{[a-z]+\}/g, 'abc-123');

describe('app/wire/operations: the catalogue of operations', () => {
  it('names each operation once, with a unique ALB priority', () => {
    expect(new Set(operations.map((o) => o.id)).size).toBe(operations.length);
    expect(new Set(operations.map((o) => o.priority)).size).toBe(operations.length);
  });

  it('puts a literal path before a template of the same method that overlaps it (ALB rules apply in priority order)', () => {
    const pattern = (o: Operation) => new RegExp(`^${o.path.replace(/\{[a-z]+\}/g, '.+')}$`);
    for (const a of operations) {
      for (const b of operations) {
        if (a !== b && a.method === b.method && !a.path.includes('{') && pattern(b).test(a.path) && !b.except?.includes(a.path))
          expect([a.id, a.priority < b.priority]).toEqual([a.id, true]);
      }
    }
  });

  it.each(operations.map((o) => [o.id, o.method, o.path, o.target] as const))(
    '%s (%s %s) is what the ALB listener rules send to the %s',
    (_id, method, path, target) => {
      expect(createRouter(loadListenerRules()).route(method, sample(path))).toMatchObject({ action: 'forward', target });
    },
  );

  it.each(operations.map((o) => [o.id, o.method, o.path] as const))('%s resolves from %s %s, and HEAD from a GET', (id, method, path) => {
    expect(development.resolve(method, sample(path))).toMatchObject({ kind: 'operation', operation: { id } });
    if (method === 'GET') expect(development.resolve('HEAD', sample(path))).toMatchObject({ kind: 'operation', operation: { id } });
  });

  it.each([
    ['/picus/list/', 'a trailing slash'],
    ['/picus//list', 'an empty segment'],
    ['//picus/list', 'a doubled leading slash'],
    ['/picus%2Flist', 'an encoded slash'],
    ['/Picus/list', 'another case'],
    ['/picus/lis%74', 'an encoded letter in a literal'],
    ['/picus/list;x=1', 'a ; parameter'],
    ['/picus/./list', 'a dot segment'],
    ['/picus/get/..', 'a dot-dot parameter'],
    ['/picus/get/%2e%2e', 'an encoded dot-dot parameter'],
    ['/picus/get/%zz', 'a parameter that does not decode'],
    ['/graphql/', 'a suffix after /graphql'],
    ['/graphqlx', 'characters after /graphql'],
    ['picus/list', 'no leading slash'],
    ['', 'an empty path'],
  ])('matches %s (%s) to no GET operation', (path) => {
    expect(development.resolve('GET', path).kind).not.toBe('operation');
  });

  it('decodes a parameter once, after matching', () => {
    expect(development.resolve('GET', '/picus/get/a%20b')).toMatchObject({ kind: 'operation', params: { key: 'a b' } });
    expect(development.resolve('GET', '/picus/get/a%2Fb')).toMatchObject({ kind: 'operation', params: { key: 'a/b' } });
    expect(development.resolve('GET', '/picus/get/%2525')).toMatchObject({ kind: 'operation', params: { key: '%25' } });
  });

  it("answers a catalogued path with another method with the path's methods (HEAD with GET, OPTIONS), and an unknown path with nothing", () => {
    expect(development.resolve('DELETE', '/health')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD', 'OPTIONS'] });
    expect(development.resolve('PUT', '/picus/list')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD', 'DELETE', 'OPTIONS'] });
    expect(development.resolve('PUT', '/picus/put')).toEqual({ kind: 'method-not-allowed', allow: ['POST', 'DELETE', 'OPTIONS'] });
    expect(development.resolve('GET', '/picus/abc')).toEqual({ kind: 'method-not-allowed', allow: ['PUT', 'DELETE', 'OPTIONS'] });
    expect(development.resolve('GET', '/nope')).toEqual({ kind: 'not-found' });
  });

  it('gives each path the methods its operations accept, the Lambda DELETE included, none the catalogue excludes', () => {
    expect(development.methodsFor('/picus/abc')).toEqual(['PUT', 'DELETE']);
    expect(development.methodsFor('/picus/list')).toEqual(['GET', 'DELETE']);
    expect(development.methodsFor('/picus/put')).toEqual(['POST', 'DELETE']);
    expect(development.methodsFor('/picus/get/abc')).toEqual(['GET']);
    expect(development.methodsFor('/graphql')).toEqual(['POST', 'GET']);
    expect(development.methodsFor('/nope/x')).toEqual([]);
    expect(development.methodsFor('/picus/a/b/c')).toEqual([]);
  });

  it('serves the reference pages outside production only', () => {
    expect(development.resolve('GET', '/docs').kind).toBe('operation');
    expect(production.resolve('GET', '/docs').kind).toBe('not-found');
    expect(production.resolve('GET', '/docs/assets/swagger-ui.css').kind).toBe('not-found');
  });

  it('reads the path of a request target in origin and absolute form, decoding and normalizing nothing', () => {
    expect(requestTarget('/picus/list?limit=1')).toEqual({ path: '/picus/list', query: '?limit=1' });
    expect(requestTarget('http://example.com:8080/picus/list?x')).toEqual({ path: '/picus/list', query: '?x' });
    expect(requestTarget('HTTPS://example.com')).toEqual({ path: '/', query: '' });
    expect(requestTarget('/picus/./get/%2e')).toEqual({ path: '/picus/./get/%2e', query: '' });
    expect(requestTarget('*')).toEqual({ path: '*', query: '' });
  });
});

describe('openapi/picus.yaml against the catalogue', () => {
  const spec = parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi', 'picus.yaml'), 'utf8')) as {
    paths: Record<string, Record<string, { operationId?: string; security?: Record<string, string[]>[] }>>;
    security?: Record<string, string[]>[];
  };
  const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method))
      .map(([method, op]) => {
        const security = op.security ?? spec.security ?? [];
        const scopes = security.flatMap((s) => s.bearer ?? []);
        return { id: op.operationId, method: method.toUpperCase(), path, auth: security.length === 0 ? 'open' : (scopes[0] ?? 'token') };
      }),
  );

  it('publishes exactly the operations the catalogue marks openapi, with the same operationId, method, path and scope', () => {
    const catalogued = operations.filter((o) => o.openapi).map((o) => ({ id: o.id, method: o.method, path: o.path, auth: o.auth }));
    const byId = (a: { id?: string }, b: { id?: string }) => String(a.id).localeCompare(String(b.id));
    expect([...documented].sort(byId)).toEqual([...catalogued].sort(byId));
  });

  it('describes exactly the scopes of app/core/auth/access.ts in its security scheme, in the same words', () => {
    const scheme = (spec as unknown as { components: { securitySchemes: { bearer: { flows: { clientCredentials: { scopes: Record<string, string> } } } } } })
      .components.securitySchemes.bearer;
    expect(scheme.flows.clientCredentials.scopes).toEqual(SCOPE_DESCRIPTIONS);
  });
});
