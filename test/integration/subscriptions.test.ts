import { connect as tcpConnect } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ALL_SCOPES, SCOPES } from '../../app/core/auth/access';
import { LOCAL_AUDIENCE, startLocalIssuer, type LocalIssuer } from '../../local/issuer';
import { startLocalStack, type LocalStack } from '../support/local-stack';

/**
 * GraphQL subscriptions over WebSocket (graphql-transport-ws) on /graphql, through the local ALB and straight at the
 * service, with tokens on: every write path reaches subscribers; the token travels in connection_init.
 */
const CHANGED = 'subscription($id: ID) { itemChanged(id: $id) { kind id version at by item { id data version } } }';

interface Change {
  kind: string;
  id: string;
  version: number | null;
  at: string;
  by: string | null;
  item: { id: string; data: unknown; version: number } | null;
}

describe('GraphQL subscriptions over WebSocket', () => {
  let issuer: LocalIssuer;
  let stack: LocalStack;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    stack = await startLocalStack({ AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE }, { edge: true });
    token = await issuer.tokenFor({ id: 'subscriber', secret: 'x', scopes: ALL_SCOPES });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await stack.close();
    await issuer.close();
  });

  const wsUrl = (base: string) => `${base.replace(/^http/, 'ws')}/graphql`;
  const connect = (base: string, authorization: string | undefined, onClose?: (code: number, reason: string) => void) => {
    const client = createClient({
      url: wsUrl(base),
      webSocketImpl: WebSocket,
      connectionParams: authorization === undefined ? {} : { authorization },
      retryAttempts: 0,
      lazy: false,
      // The close codes are what these tests look at; the client would also print them as errors.
      onNonLazyError: () => undefined,
      on: { closed: (event) => onClose?.((event as { code: number }).code, String((event as { reason?: string }).reason ?? '')) },
    });
    clients.push(client);
    return client;
  };
  /** Collects the changes of one subscription until `count` arrived. */
  const collect = (client: Client, count: number, variables: Record<string, unknown> = {}) => {
    const received: Change[] = [];
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    const done = new Promise<Change[]>((resolve, reject) => {
      client.subscribe<{ itemChanged: Change }>(
        { query: CHANGED, variables },
        {
          next: (result) => {
            if (result.errors) return reject(new Error(JSON.stringify(result.errors)));
            received.push(result.data!.itemChanged);
            if (received.length === count) resolve(received);
          },
          error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => resolve(received),
        },
      );
      // The subscribe message is on its way once the socket is open; give the server a moment to register it.
      client.on('connected', () => setTimeout(started, 100));
    });
    return { ready, done };
  };
  const rest = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(stack.alb.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('pushes REST creates, replaces and deletes (the last through the DELETE Lambda) to a subscriber through the ALB, in order', async () => {
    const subscriber = collect(connect(stack.alb.url, `Bearer ${token}`), 3);
    await subscriber.ready;
    const created = await rest('POST', '/picus/put', { n: 1 });
    const { id } = (await created.json()) as { id: string };
    const replaced = await rest('PUT', `/picus/${id}`, { n: 2 }, { 'if-match': '*' });
    expect(replaced.status).toBe(200);
    expect((await rest('DELETE', `/picus/${id}`)).status).toBe(200);
    const changes = await subscriber.done;
    expect(changes.map((c) => [c.kind, c.id, c.version])).toEqual([
      ['CREATED', id, 1],
      ['UPDATED', id, 2],
      ['DELETED', id, null],
    ]);
    expect(changes[0]!.item).toEqual({ id, data: { n: 1 }, version: 1 });
    expect(changes[2]!.item).toBeNull();
    expect(changes.every((c) => c.by === 'subscriber')).toBe(true);
  });

  const graphql = async (query: string, variables: Record<string, unknown>, bearer = token) =>
    (await fetch(`${stack.alb.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }).then((res) => res.json())) as { data?: any; errors?: { extensions: { code: string } }[] };

  it('pushes GraphQL createItem, updateItem and deleteItem to a subscriber straight on the service, only for the id it asked for', async () => {
    const other = (await (await rest('POST', '/picus/put', { other: true })).json()) as { id: string };
    const created = await graphql('mutation($d: JSONObject!) { createItem(data: $d) { id } }', { d: { g: 1 } });
    const id = created.data.createItem.id as string;
    const subscriber = collect(connect(stack.service.url, `Bearer ${token}`), 2, { id });
    await subscriber.ready;
    await rest('PUT', `/picus/${other.id}`, { other: 2 }, { 'if-match': '*' }); // another item: not told
    await graphql('mutation($id: ID!, $d: JSONObject!) { updateItem(id: $id, data: $d, expectedVersion: 1) { version } }', { id, d: { g: 2 } });
    await graphql('mutation($id: ID!) { deleteItem(id: $id) { id } }', { id });
    const changes = await subscriber.done;
    expect(changes.map((c) => [c.kind, c.id, c.version])).toEqual([
      ['UPDATED', id, 2],
      ['DELETED', id, null],
    ]);
  });

  it('pushes nothing for a write that fails (a stale version, a missing item)', async () => {
    const { id } = (await (await rest('POST', '/picus/put', { f: 1 })).json()) as { id: string };
    const subscriber = collect(connect(stack.alb.url, `Bearer ${token}`), 1);
    await subscriber.ready;
    expect((await rest('PUT', `/picus/${id}`, { f: 2 }, { 'if-match': `"${id}:7"` })).status).toBe(412);
    expect((await rest('DELETE', '/picus/no-such-item')).status).toBe(404);
    await rest('PUT', `/picus/${id}`, { f: 3 }, { 'if-match': '*' });
    expect((await subscriber.done).map((c) => [c.kind, c.version])).toEqual([['UPDATED', 2]]);
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'Bearer not-a-jwt'],
    ['a token from another issuer', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('closes a connection_init with %s: 4401 Unauthorized, before any subscription', async (_name, authorization) => {
    const closed = new Promise<[number, string]>((resolve) => connect(stack.alb.url, authorization, (code, reason) => resolve([code, reason])));
    expect(await closed).toEqual([4401, 'Unauthorized']);
  });

  it('refuses a subscription to a token without picus/read with FORBIDDEN', async () => {
    const writer = await issuer.tokenFor({ id: 'writer', secret: 'x', scopes: [SCOPES.write] });
    const subscriber = collect(connect(stack.alb.url, `Bearer ${writer}`), 1);
    await expect(subscriber.done).rejects.toThrow(/FORBIDDEN/);
  });

  it('closes the socket when the token expires (4401 Token expired)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const short = await issuer.sign(
      { iss: issuer.url, sub: 'brief', scope: SCOPES.read, aud: LOCAL_AUDIENCE, iat: now, exp: now + 2, client_id: 'brief' },
      { typ: 'at+jwt' },
    );
    const closed = new Promise<[number, string]>((resolve) => connect(stack.alb.url, `Bearer ${short}`, (code, reason) => resolve([code, reason])));
    expect(await closed).toEqual([4401, 'Token expired']);
  }, 10_000);

  it('serves subscriptions only: a query over the WebSocket is refused', async () => {
    const client = connect(stack.alb.url, `Bearer ${token}`);
    const result = new Promise<unknown>((resolve) =>
      client.subscribe({ query: '{ items { nodes { id } } }' }, { next: resolve, error: resolve, complete: () => undefined }),
    );
    expect(JSON.stringify(await result)).toMatch(/Only subscriptions are served over WebSocket/);
  });

  it('caps subscriptions per connection at 20', async () => {
    const client = connect(stack.alb.url, `Bearer ${token}`);
    const errors: unknown[] = [];
    for (let i = 0; i < 21; i += 1) client.subscribe({ query: CHANGED }, { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toMatch(/At most 20 subscriptions per connection/);
  });

  /** A raw upgrade request, as an attacker sends it: the answer's status line and body (`headers` replace the defaults). */
  const upgradeAnswer = (base: string, path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: string; body: string }>((resolve) => {
      const url = new URL(base);
      const sent: Record<string, string> = {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      };
      const socket = tcpConnect(Number(url.port), url.hostname, () =>
        socket.end(
          `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${Object.entries(sent)
            .map(([n, v]) => `${n}: ${v}\r\n`)
            .join('')}\r\n`,
        ),
      );
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve({ status: data.split('\r\n')[0]!, body: data.split('\r\n\r\n')[1] ?? '' }));
    });

  /** A raw upgrade request, as an attacker sends it: the answer's status line. */
  const upgrade = (base: string, path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<string>((resolve) => {
      const url = new URL(base);
      const socket = tcpConnect(Number(url.port), url.hostname, () => {
        const lines = [
          `${method} ${path} HTTP/1.1`,
          `Host: ${url.host}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Protocol: graphql-transport-ws',
        ];
        for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => {
        data += chunk.toString('latin1');
        if (data.includes('\r\n')) {
          resolve(data.split('\r\n')[0]!);
          socket.destroy();
        }
      });
      socket.on('error', () => resolve('error'));
    });

  it.each([
    ['/graphql/', 'a trailing slash'],
    ['//graphql', 'a doubled slash'],
    ['/GRAPHQL', 'another case'],
    ['/%67raphql', 'an encoded letter'],
    ['/picus/list', 'another operation'],
    ['/nowhere', 'no operation'],
  ])('refuses an upgrade of %s (%s) before any WebSocket exists, at the ALB and at the service', async (path) => {
    for (const base of [stack.alb.url, stack.service.url]) {
      const status = await upgrade(base, path);
      expect([base, path, status.startsWith('HTTP/1.1 101')]).toEqual([base, path, false]);
      expect([base, path, /^HTTP\/1\.1 (401|403|404|405)/.test(status)]).toEqual([base, path, true]);
    }
  });

  it('refuses an upgrade from a browser origin the CORS policy does not allow (403), and accepts an allowed one', async () => {
    expect(await upgrade(stack.service.url, '/graphql', { Origin: 'https://evil.example' })).toMatch(/^HTTP\/1\.1 403/);
    expect(await upgrade(stack.service.url, '/graphql', { Origin: 'http://localhost:5173' })).toMatch(/^HTTP\/1\.1 101/);
  });

  it('closes a socket that sends a message over 64 KiB (1009, message too big) instead of reading it', async () => {
    const socket = new WebSocket(`${stack.service.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}`, pad: 'x'.repeat(70 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it('closes a slow consumer (a socket that stops reading while changes pile up) with 1008 instead of buffering its changes', async () => {
    const socket = new WebSocket(`${stack.service.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const acked = new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await acked;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { itemChanged { kind id item { data } } }' } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    // Stop reading: the server's writes fill the kernel's buffers, then the socket's own.
    (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const big = { pad: 'x'.repeat(300 * 1024) };
    for (let i = 0; i < 60; i += 1) await rest('POST', '/picus/put', big);
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(1008);
  }, 60_000);

  it("answers a broken WebSocket handshake with the catalogue's JSON 400, at the ALB and at the service, before any socket exists", async () => {
    for (const base of [stack.alb.url, stack.service.url]) {
      for (const headers of [{ 'Sec-WebSocket-Key': 'short' }, { 'Sec-WebSocket-Version': '12' }] as Record<string, string>[]) {
        const answer = await upgradeAnswer(base, '/graphql', headers);
        expect([base, headers, answer.status]).toEqual([base, headers, 'HTTP/1.1 400 Bad Request']);
        expect(JSON.parse(answer.body)).toEqual({ error: 'Not a WebSocket handshake (RFC 6455, 4.1)', code: 'VALIDATION_FAILED' });
      }
    }
  });
});
