import { ALL_SCOPES } from '../../app/core/auth/access';
import express from 'express';
import { createApp } from '../../app/create-app';
import { bindOperations } from '../../app/http/operations';
import { createHandler } from '../../lambda/create-handler';
import { LOCAL_AUDIENCE, startLocalIssuer, type LocalIssuer } from '../../local/issuer';
import { OPERATIONS, type Operation } from '../../app/wire/operations';
import { EVENT_KINDS, eventFor } from '../support/events';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { send, type LoadResult } from '../support/load';
import { pathVariants } from '../support/path-variants';

/**
 * Deny by default, attacked: for every catalogued operation that needs a token, the path variants an attacker tries
 * (test/support/path-variants.ts), with HEAD for reads, sent raw over real sockets with no token through the local
 * ALB (its jwt-validation on, as over HTTPS in AWS) and straight at the service, and as real-shaped events to the
 * DELETE Lambda. None may answer 2xx, return the item, or change the table. With the right token each operation
 * answers as documented.
 */
const MARKER = 'deny-by-default-marker';
const ALL = [...ALL_SCOPES];

/** One raw request on a socket of its own (test/support/load.ts sends the target as written); JSON when there is a body. */
const call = (base: string, method: string, target: string, headers: Record<string, string | string[]> = {}, body?: string): Promise<LoadResult> =>
  send(base, { method, path: target, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body }, { agent: false });

/** What each operation's request carries: a body that would write, the preconditions it needs, a query that runs. */
function requestFor(method: string, path: string): { body?: string; query: string; headers: Record<string, string> } {
  if (path === '/graphql') {
    const query = '{ __typename items(first: 5) { nodes { id data } } }';
    // Apollo's CSRF prevention lets a GET through only with a header a simple request cannot carry.
    if (method === 'POST') return { body: JSON.stringify({ query }), query: '', headers: {} };
    return { query: `?query=${encodeURIComponent(query)}`, headers: { 'apollo-require-preflight': '1' } };
  }
  const write = JSON.stringify({ attacker: true });
  if (method === 'PUT') return { body: write, query: '', headers: { 'if-match': '*' } };
  if (method === 'POST') return { body: write, query: '', headers: {} };
  return { query: '', headers: {} };
}
const leaks = (answer: { status: number; body: string }): boolean => (answer.status >= 200 && answer.status < 300) || answer.body.includes(MARKER);

describe('deny by default: no path around the token check', () => {
  let issuer: LocalIssuer;
  let stack: LocalStack;
  let id: string;
  let token: string;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    stack = await startLocalStack({ AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE }, { edge: true });
    id = (await stack.t.core.itemService.create({ secret: MARKER }, {})).id;
    token = await issuer.tokenFor({ id: 'picus-test', secret: 'x', scopes: ALL });
  });
  afterAll(async () => {
    await stack?.close();
    await issuer?.close();
  });

  const protectedOperations = () => OPERATIONS.filter((operation: Operation) => operation.auth !== 'open');
  const concrete = (path: string) => path.replace(/\{[a-z]+\}/g, id);

  const attack = async (base: string): Promise<string[]> => {
    const through: string[] = [];
    for (const operation of protectedOperations()) {
      const path = concrete(operation.path);
      const methods = operation.method === 'GET' ? ['GET', 'HEAD'] : [operation.method];
      for (const method of methods) {
        const { body, query, headers } = requestFor(method, operation.path);
        for (const variant of [{ name: 'as catalogued', target: path }, ...pathVariants(path, base)]) {
          const answer = await call(base, method, variant.target + query, headers, body);
          if (leaks(answer) || answer.body.includes('__typename')) through.push(`${method} ${variant.target} (${variant.name}) -> ${answer.status}`);
        }
      }
    }
    return through;
  };

  const unchanged = async (): Promise<void> => {
    const items = [];
    for await (const page of stack.t.core.itemService.scanAll()) items.push(...page);
    expect(items.map((item) => ({ id: item.id, data: item.data }))).toEqual([{ id, data: { secret: MARKER } }]);
  };

  it('through the local ALB, no variant of any operation answers 2xx or returns data without a token, and the table is unchanged', async () => {
    expect(await attack(stack.alb.url)).toEqual([]);
    await unchanged();
  });

  it('straight at the service, no variant of any operation answers 2xx or returns data without a token, and the table is unchanged', async () => {
    expect(await attack(stack.service.url)).toEqual([]);
    await unchanged();
  });

  it('at the DELETE Lambda, no variant in any event shape and no method deletes or answers 2xx without a token', async () => {
    const handler = createHandler({ itemService: stack.t.core.itemService, logger: stack.t.core.logger, tokenVerifier: stack.t.core.tokenVerifier });
    const through: string[] = [];
    const path = `/picus/${id}`;
    for (const kind of EVENT_KINDS) {
      for (const variant of [{ name: 'as catalogued', target: path }, ...pathVariants(path, 'http://alb.example')]) {
        for (const method of ['DELETE', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'OPTIONS']) {
          const result = await handler(eventFor(kind, variant.target, method));
          if (leaks({ status: result.statusCode, body: result.body }))
            through.push(`${kind} ${method} ${variant.target} (${variant.name}) -> ${result.statusCode}`);
        }
      }
    }
    expect(through).toEqual([]);
    await unchanged();
  });

  it('with the right token, each operation as catalogued answers as documented, through the ALB and at the service', async () => {
    const auth = { authorization: `Bearer ${token}` };
    for (const base of [stack.alb.url, stack.service.url]) {
      expect((await call(base, 'GET', '/picus/list', auth)).status).toBe(200);
      expect((await call(base, 'GET', `/picus/get/${id}`, auth)).body).toContain(MARKER);
      expect((await call(base, 'HEAD', `/picus/get/${id}`, auth)).status).toBe(200);
      expect((await call(base, 'POST', '/graphql', auth, JSON.stringify({ query: '{ __typename }' }))).status).toBe(200);
    }
    const created = await call(stack.alb.url, 'POST', '/picus/put', auth, JSON.stringify({ a: 1 }));
    expect(created.status).toBe(201);
    const newId = (JSON.parse(created.body) as { id: string }).id;
    expect((await call(stack.alb.url, 'PUT', `/picus/${newId}`, { ...auth, 'if-match': '*' }, JSON.stringify({ a: 2 }))).status).toBe(200);
    expect((await call(stack.alb.url, 'DELETE', `/picus/${newId}`, auth)).status).toBe(200);
  });

  it('refuses to start with a handler that names no catalogue entry, or a catalogue entry with no handler', async () => {
    const handler = (_req: unknown, res: { end(): void }) => res.end();
    await expect(createApp({ core: stack.t.core, extraHandlers: { adminDump: handler } as never })).rejects.toThrow(
      /handlers with no catalogue entry: adminDump/,
    );
    expect(() => bindOperations(express(), { health: handler }, { production: false })).toThrow(
      /catalogue entries with no handler: ready, listItems, createItem, getItem, replaceItem, graphqlPost/,
    );
    // In production the reference pages are not catalogued as served, so a handler for one is refused too.
    expect(() => bindOperations(express(), { referencePage: handler }, { production: true })).toThrow(/handlers with no catalogue entry: referencePage/);
  });
});
