import { ALL_SCOPES } from '../../app/core/auth/access';
import { Writable } from 'node:stream';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import pino from 'pino';
import { createHandler } from '../../lambda/create-handler';
import { LOCAL_AUDIENCE, LOCAL_CLIENT, startLocalIssuer, type IssuerClient, type LocalIssuer } from '../../local/issuer';
import { eventFor } from '../support/events';
import { startLocalStack, type LocalStack } from '../support/local-stack';

/**
 * Bearer tokens, for real: a local OAuth 2.0 issuer with real RS256 keys, the service and the Lambda verifying
 * against its JWKS, and the local ALB applying the listener rules' jwt-validation at the edge.
 */
const ALL = [...ALL_SCOPES];
const client = (scopes: string[]): IssuerClient => ({ id: 'picus-test', secret: 'x', scopes });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('authentication and scopes', () => {
  let issuer: LocalIssuer;
  let stack: LocalStack;
  let service: string;
  let edge: string;
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  const env = () => ({ AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE, AUTH_JWKS_COOLDOWN_MS: '100' });

  // Reads every body: an unread one keeps its keep-alive socket busy, and the next request to the origin waits.
  const call = async (base: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: async () => JSON.parse(text) as unknown };
  };
  const token = (scopes = ALL) => issuer.tokenFor(client(scopes));
  const claims = (extra: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: issuer.url, sub: 'someone', aud: LOCAL_AUDIENCE, client_id: 'picus-test', scope: ALL.join(' '), iat: now, exp: now + 600, ...extra };
  };

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    stack = await startLocalStack(env(), { logger, edge: true });
    service = stack.service.url;
    edge = stack.alb.url;
  });
  afterAll(async () => {
    await stack.close();
    await issuer.close();
  });

  describe('the local issuer', () => {
    it('publishes discovery and a JWKS, and grants client credentials to picus-local with the scopes asked for', async () => {
      const discovery = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(discovery).toMatchObject({ issuer: issuer.url, token_endpoint: `${issuer.url}/token`, grant_types_supported: ['client_credentials'] });
      const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: JWK[] };
      expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      const basic = Buffer.from(`${LOCAL_CLIENT.id}:${LOCAL_CLIENT.secret}`).toString('base64');
      const granted = await fetch(issuer.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=picus%2Fread',
      });
      const body = (await granted.json()) as { access_token: string; scope: string; token_type: string };
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'picus/read' });
      expect((await call(service, 'GET', '/picus/list', body.access_token)).status).toBe(200);
      const wrong = await fetch(issuer.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=picus-local&client_secret=nope',
      });
      expect(wrong.status).toBe(401);
      const tooMuch = await fetch(issuer.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=picus%2Fadmin',
      });
      expect(((await tooMuch.json()) as { error: string }).error).toBe('invalid_scope');
    });
  });

  describe('the service, called directly (the targets verify whatever the edge did)', () => {
    // Three entries each: jest would take a missing third argument for the done callback.
    const routes: [string, string, unknown][] = [
      ['GET', '/picus/list', undefined],
      ['GET', '/picus/get/abc', undefined],
      ['POST', '/picus/put', { a: 1 }],
      ['POST', '/graphql', { query: '{ items(first: 1) { nodes { id } } }' }],
    ];

    it.each(routes)('answers %s %s without a token 401 UNAUTHENTICATED with a bare Bearer challenge', async (method, path, body) => {
      const res = await call(service, method, path, undefined, body);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="picus"');
      const json = (await res.json()) as any;
      expect(path === '/graphql' ? json.errors[0].extensions.code : json.code).toBe('UNAUTHENTICATED');
    });

    it('keeps /health and /ready open: the only operations the catalogue marks open', async () => {
      expect((await call(service, 'GET', '/health')).status).toBe(200);
      expect((await call(service, 'GET', '/ready')).status).toBe(200);
    });

    const bad: [string, () => Promise<string>][] = [
      ['malformed', async () => 'not-a-jwt'],
      ['expired', () => issuer.sign(claims({ exp: Math.floor(Date.now() / 1000) - 120 }))],
      ['not valid yet (nbf in the future)', () => issuer.sign(claims({ nbf: Math.floor(Date.now() / 1000) + 600 }))],
      ['from another issuer', () => issuer.sign(claims({ iss: 'https://evil.example' }))],
      ['for another audience', () => issuer.sign(claims({ aud: 'another-api' }))],
      ['unsigned (alg none)', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
      [
        "HS256 keyed with the issuer's public key (algorithm confusion)",
        async () => {
          const pem = await exportSPKI((await importJWK(issuer.currentPublicJwk(), 'RS256')) as CryptoKey);
          return new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: issuer.currentPublicJwk().kid }).sign(new TextEncoder().encode(pem));
        },
      ],
      [
        'tampered (payload changed after signing)',
        async () => {
          const [header, , signature] = (await issuer.sign(claims({ scope: 'picus/read' }))).split('.');
          return `${header}.${b64(claims({ scope: ALL.join(' ') }))}.${signature}`;
        },
      ],
      [
        'signed by a key the issuer never published (unknown kid)',
        async () => new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'unknown-kid' }).sign((await generateKeyPair('RS256')).privateKey),
      ],
    ];

    it.each(bad)('refuses a token that is %s: 401 error="invalid_token", on REST and GraphQL', async (_name, make) => {
      const bearer = await make();
      for (const [method, path, body] of [
        ['GET', '/picus/list'],
        ['POST', '/graphql', { query: '{ __typename }' }],
      ] as const) {
        const res = await call(service, method, path, bearer, body);
        expect([path, res.status]).toEqual([path, 401]);
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="picus", error="invalid_token"');
      }
    });

    it.each([['Basic cGljdXM6cGljdXM='], ['Bearer'], ['Bearer a b'], ['bearer  x.y.z extra']])(
      'refuses the Authorization header %j as invalid_token',
      async (header) => {
        const res = await call(service, 'GET', '/picus/list', undefined, undefined, { authorization: header });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      },
    );

    it('never takes a token from the query string', async () => {
      const res = await call(service, 'GET', `/picus/list?access_token=${await token()}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="picus"');
    });

    it.each([
      ['GET', '/picus/list', undefined, ['picus/write', 'picus/delete'], 'picus/read'],
      ['GET', '/picus/get/abc', undefined, ['picus/write'], 'picus/read'],
      ['POST', '/picus/put', { a: 1 }, ['picus/read', 'picus/delete'], 'picus/write'],
    ] as const)('answers %s %s 403 insufficient_scope when the token lacks the scope', async (method, path, body, scopes, needed) => {
      const res = await call(service, method, path, await token([...scopes]), body);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${needed}"`);
      expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
    });

    it('records who created an item (createdBy = sub) and logs sub and client_id, never the token', async () => {
      const bearer = await token();
      const put = await call(service, 'POST', '/picus/put', bearer, { who: 'me' });
      const { id } = (await put.json()) as { id: string };
      const item = (await (await call(service, 'GET', `/picus/get/${id}`, bearer)).json()) as Record<string, unknown>;
      expect(item).toMatchObject({ id, createdBy: 'picus-test', data: { who: 'me' } });
      const gql = await call(service, 'POST', '/graphql', bearer, { query: `{ item(id: "${id}") { createdBy } }` });
      expect(await gql.json()).toEqual({ data: { item: { createdBy: 'picus-test' } } });
      const access = lines.filter((l) => l.msg === 'request' && l.route === '/picus/put' && l.status === 201);
      expect(access.at(-1)).toMatchObject({ sub: 'picus-test', clientId: 'picus-test' });
      expect(JSON.stringify(lines)).not.toContain(bearer);
      expect(JSON.stringify(lines)).not.toMatch(/authorization/i);
    });

    it('answers a GraphQL field whose scope the token lacks with null and FORBIDDEN, and the rest of the operation', async () => {
      const res = await call(service, 'POST', '/graphql', await token(['picus/write']), { query: '{ __typename item(id: "x") { id } }' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.data).toEqual({ __typename: 'Query', item: null });
      expect(body.errors).toMatchObject([{ path: ['item'], extensions: { code: 'FORBIDDEN' } }]);
      const mutation = await call(service, 'POST', '/graphql', await token(['picus/read']), { query: 'mutation { createItem(data: { a: 1 }) { id } }' });
      expect(((await mutation.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('picks up a key rotation at the issuer without a restart', async () => {
      expect((await call(service, 'GET', '/picus/list', await token())).status).toBe(200);
      await issuer.rotateKeys();
      await new Promise((resolve) => setTimeout(resolve, 150)); // past the JWKS cooldown (AUTH_JWKS_COOLDOWN_MS=100)
      const fresh = await token();
      expect((await call(service, 'GET', '/picus/list', fresh)).status).toBe(200);
    });
  });

  describe("the edge (the local ALB's jwt-validation rules)", () => {
    it('rejects a missing, bad or under-scoped token before any target sees it', async () => {
      const before = stack.alb.edgeRejections();
      expect((await call(edge, 'GET', '/picus/list')).status).toBe(401);
      expect((await call(edge, 'GET', '/picus/list', 'x.y.z')).status).toBe(401);
      expect((await call(edge, 'POST', '/picus/put', await token(['picus/read']), { a: 1 })).status).toBe(401);
      expect((await call(edge, 'DELETE', '/picus/abc', await token(['picus/read']))).status).toBe(401);
      expect((await call(edge, 'POST', '/graphql', undefined, { query: '{ __typename }' })).status).toBe(401);
      expect(stack.alb.edgeRejections() - before).toBe(5);
    });

    it('forwards a good token, and never checks /health, /ready or a preflight', async () => {
      const bearer = await token();
      const { id } = (await (await call(edge, 'POST', '/picus/put', bearer, { via: 'edge' })).json()) as { id: string };
      expect((await call(edge, 'GET', `/picus/get/${id}`, bearer)).status).toBe(200);
      expect((await call(edge, 'DELETE', `/picus/${id}`, bearer)).status).toBe(200);
      expect((await call(edge, 'GET', '/health')).status).toBe(200);
      expect((await call(edge, 'GET', '/ready')).status).toBe(200);
      const preflight = await call(edge, 'OPTIONS', '/picus/abc', undefined, undefined, {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization',
      });
      expect(preflight.status).toBe(204);
    });
  });

  describe('the Lambda, invoked directly with an API Gateway HTTP API event (no edge in front)', () => {
    const withAuth = (event: ReturnType<typeof eventFor>, bearer?: string) => {
      event.headers = { ...event.headers, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
      return event;
    };

    it('needs picus/delete: 401 without a token, 403 with another scope, 200 with it', async () => {
      const handler = createHandler({ itemService: stack.t.core.itemService, logger, tokenVerifier: stack.t.core.tokenVerifier });
      const { id } = await stack.t.core.itemService.create({ doomed: true });
      const none = await handler(withAuth(eventFor('apigw-v2', `/picus/${id}`)));
      expect(none.statusCode).toBe(401);
      expect(none.headers?.['WWW-Authenticate'] ?? none.headers?.['www-authenticate']).toBe('Bearer realm="picus"');
      const read = await handler(withAuth(eventFor('apigw-v2', `/picus/${id}`), await token(['picus/read'])));
      expect(read.statusCode).toBe(403);
      expect(JSON.parse(read.body).code).toBe('FORBIDDEN');
      const ok = await handler(withAuth(eventFor('apigw-v2', `/picus/${id}`), await token(['picus/delete'])));
      expect(ok.statusCode).toBe(200);
    });
  });
});

describe('an issuer that is down', () => {
  it('answers 503 AUTH_UNAVAILABLE with Retry-After while no keys are cached, then recovers without a restart', async () => {
    const issuer = await startLocalIssuer();
    const bearer = await issuer.tokenFor(LOCAL_CLIENT);
    await issuer.stop();
    const stack = await startLocalStack({
      AUTH_ISSUER: issuer.url,
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_AUDIENCE: LOCAL_AUDIENCE,
      AUTH_JWKS_COOLDOWN_MS: '100',
    });
    try {
      const down = await fetch(`${stack.service.url}/picus/list`, { headers: { authorization: `Bearer ${bearer}` } });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      expect(((await down.json()) as { code: string }).code).toBe('AUTH_UNAVAILABLE');
      await issuer.start();
      // A failed fetch is remembered for the cooldown (100 ms here), so a failing issuer is not fetched per request.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const up = await fetch(`${stack.service.url}/picus/list`, { headers: { authorization: `Bearer ${bearer}` } });
      expect(up.status).toBe(200);
      // Down again mid-run: the cached keys keep good tokens working; an unknown key cannot be checked: 503, not 401.
      await issuer.stop();
      const again = await issuer.sign({ iss: issuer.url, sub: 's', aud: LOCAL_AUDIENCE, scope: 'picus/read', exp: Math.floor(Date.now() / 1000) + 60 });
      expect((await fetch(`${stack.service.url}/picus/list`, { headers: { authorization: `Bearer ${again}` } })).status).toBe(200);
      await issuer.rotateKeys();
      await new Promise((resolve) => setTimeout(resolve, 150));
      const unknown = await issuer.sign({ iss: issuer.url, sub: 's', aud: LOCAL_AUDIENCE, scope: 'picus/read', exp: Math.floor(Date.now() / 1000) + 60 });
      expect((await fetch(`${stack.service.url}/picus/list`, { headers: { authorization: `Bearer ${unknown}` } })).status).toBe(503);
    } finally {
      await stack.close();
      await issuer.close();
    }
  });
});
