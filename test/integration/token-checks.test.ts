import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AuthUnavailableError, UnauthenticatedError } from '../../app/core/errors';
import { tokenVerifierFor, type TokenVerifier } from '../../app/core/auth/token-verifier';
import { listen } from '../../app/http/listen';
import { createHandler } from '../../lambda/create-handler';
import { LOCAL_AUDIENCE, startLocalIssuer, type LocalIssuer } from '../../local/issuer';
import { eventFor } from '../support/events';
import { send } from '../support/load';
import { startLocalStack, type LocalStack } from '../support/local-stack';

/**
 * Token checks under failure and odd input: a JWKS endpoint that fails, two Authorization headers, a token from
 * the future, an ID token where an access token belongs, and the local issuer's own malformed client credentials.
 */
const ALL = 'picus/read picus/write picus/delete';

describe('token checks that hold under failure and odd input', () => {
  let issuer: LocalIssuer;
  const claims = (extra: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: issuer.url, sub: 'someone', aud: LOCAL_AUDIENCE, client_id: 'picus-test', scope: ALL, iat: now, exp: now + 600, ...extra };
  };
  const verifierFor = (jwksUrl: string, cooldownMs = 30_000): TokenVerifier =>
    tokenVerifierFor({
      mode: 'jwt',
      issuer: issuer.url,
      jwksUrl,
      audience: [LOCAL_AUDIENCE],
      clientIds: [],
      jwksCooldownMs: cooldownMs,
      clockToleranceSeconds: 30,
    })!;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
  });
  afterAll(() => issuer.close());

  describe('a JWKS endpoint that fails', () => {
    let server: Server;
    let url: string;
    let fetches = 0;
    let answer: 'status-500' | 'not-json' | 'hang' = 'status-500';
    beforeAll(async () => {
      server = createServer((req, res) => {
        fetches += 1;
        if (answer === 'hang') return; // never answers: the verifier's own timeout must end the wait
        if (answer === 'not-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops</html>');
        res.writeHead(500).end('boom');
      });
      url = `http://127.0.0.1:${(await listen(server, 0, '127.0.0.1')).port}/jwks`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it.each(['status-500', 'not-json', 'hang'] as const)(
      'is "issuer unavailable" (AUTH_UNAVAILABLE), never an invalid token, when it answers %s',
      async (kind) => {
        answer = kind;
        const error = await verifierFor(url)
          .verify(await issuer.sign(claims()))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuthUnavailableError);
      },
      10_000,
    );

    it('fetches a handful of times, not once per request, for a flood of 300 unknown kids while it answers 500', async () => {
      answer = 'status-500';
      const verifier = verifierFor(url, 30_000);
      fetches = 0;
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, async () => {
          const token = await issuer.sign(claims(), { kid: randomUUID() });
          return verifier.verify(token).then(
            () => 'verified',
            (e: unknown) => (e instanceof AuthUnavailableError ? 'unavailable' : String(e)),
          );
        }),
      );
      expect(new Set(outcomes)).toEqual(new Set(['unavailable']));
      // One fetch in flight is shared; after it fails, the cooldown holds every other request off.
      expect(fetches).toBeLessThanOrEqual(3);
      process.stdout.write(`JWKS flood: 300 unknown-kid requests, ${fetches} fetch(es) of the failing JWKS\n`);
    });

    it('answers 503 AUTH_UNAVAILABLE with Retry-After through the service, and the ALB does not call it a bad token', async () => {
      answer = 'status-500';
      const stack = await startLocalStack({ AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: url, AUTH_AUDIENCE: LOCAL_AUDIENCE }, { edge: true });
      try {
        const token = await issuer.sign(claims());
        const direct = await send(stack.service.url, { method: 'GET', path: '/picus/list', headers: { authorization: `Bearer ${token}` } }, { agent: false });
        expect([direct.status, JSON.parse(direct.body).code, direct.headers['retry-after']]).toEqual([503, 'AUTH_UNAVAILABLE', '5']);
        const edge = await send(stack.alb.url, { method: 'GET', path: '/picus/list', headers: { authorization: `Bearer ${token}` } }, { agent: false });
        expect(edge.status).not.toBe(401);
        expect(edge.status).toBeGreaterThanOrEqual(500);
      } finally {
        await stack.close();
      }
    });
  });

  describe('odd tokens and headers', () => {
    let stack: LocalStack;
    let verifier: TokenVerifier;
    beforeAll(async () => {
      stack = await startLocalStack({ AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE }, { edge: true });
      verifier = verifierFor(issuer.jwksUrl);
    });
    afterAll(() => stack.close());

    it('refuses two Authorization headers with 400 invalid_request, a valid token among them, at the service and through the ALB', async () => {
      const token = await issuer.sign(claims());
      for (const base of [stack.service.url, stack.alb.url]) {
        for (const pair of [
          [`Bearer ${token}`, 'Bearer junk'],
          [`Bearer ${token}`, `Bearer ${token}`],
        ]) {
          const res = await send(base, { method: 'GET', path: '/picus/list', headers: { authorization: pair } }, { agent: false });
          expect([base, pair[1] === 'Bearer junk' ? 'junk' : 'same', res.status, JSON.parse(res.body).code, res.headers['www-authenticate']]).toEqual([
            base,
            pair[1] === 'Bearer junk' ? 'junk' : 'same',
            400,
            'VALIDATION_FAILED',
            'Bearer error="invalid_request"',
          ]);
        }
      }
    });

    it('refuses two Authorization headers in a multi-value ALB event at the Lambda, and deletes nothing', async () => {
      const id = (await stack.t.core.itemService.create({ keep: true }, {})).id;
      const handler = createHandler({ itemService: stack.t.core.itemService, logger: stack.t.core.logger, tokenVerifier: stack.t.core.tokenVerifier });
      const event = eventFor('alb-multi-value', `/picus/${id}`, 'DELETE');
      const token = await issuer.sign(claims());
      event.multiValueHeaders = { ...event.multiValueHeaders, authorization: [`Bearer ${token}`, 'Bearer junk'] };
      const result = await handler(event);
      expect([result.statusCode, JSON.parse(result.body).code]).toEqual([400, 'VALIDATION_FAILED']);
      expect((await stack.t.core.itemService.get(id)).id).toBe(id);
    });

    it('refuses a token issued in the future (past the clock tolerance), and accepts one within it', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expect(verifier.verify(await issuer.sign(claims({ iat: now + 3600, exp: now + 7200 })))).rejects.toBeInstanceOf(UnauthenticatedError);
      await expect(verifier.verify(await issuer.sign(claims({ iat: now + 10 })))).resolves.toMatchObject({ sub: 'someone' });
    });

    it.each([
      ['an ID token (typ JWT, no token_use)', { typ: 'JWT' }, {}],
      ['a Cognito ID token (no typ, token_use id)', { typ: null }, { token_use: 'id' }],
      ['a token with no typ and no token_use', { typ: null }, {}],
      ['an at+jwt token that says token_use id', {}, { token_use: 'id' }],
    ] as const)('refuses %s where an access token belongs', async (_name, header, extra) => {
      await expect(verifier.verify(await issuer.sign(claims(extra), header))).rejects.toBeInstanceOf(UnauthenticatedError);
    });

    it.each([
      ['an RFC 9068 access token (typ at+jwt)', { typ: 'at+jwt' }, {}],
      ['an RFC 9068 access token (typ application/at+jwt)', { typ: 'application/at+jwt' }, {}],
      ['a Cognito access token (no typ, token_use access)', { typ: null }, { token_use: 'access' }],
    ] as const)('accepts %s', async (_name, header, extra) => {
      await expect(verifier.verify(await issuer.sign(claims(extra), header))).resolves.toMatchObject({ sub: 'someone' });
    });
  });

  it('the local issuer answers malformed client credentials (a stray % in Basic, no colon) with 400 invalid_client, not 500', async () => {
    for (const credentials of ['picus-local:%zz', 'picus%:secret', 'no-colon-at-all']) {
      const res = await fetch(issuer.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect([credentials, res.status, ((await res.json()) as { error: string }).error]).toEqual([credentials, 400, 'invalid_client']);
    }
  });
});
