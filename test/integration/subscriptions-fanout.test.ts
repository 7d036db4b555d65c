import { spawn, type ChildProcess } from 'node:child_process';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createCore } from '../../app/core/create-core';
import { loadConfig } from '../../app/core/config';
import { startService } from '../../app/start-service';
import { ensureItemTable } from '../../local/item-table';
import { freePort, startServiceProcess, type ChildService } from '../support/processes';
import { startTestDynamo, testTableName } from '../support/test-core';
import { eventFor } from '../support/events';
import { createHandler } from '../../lambda/create-handler';

/**
 * Subscriptions across tasks: two service processes on one table, their changes fanned out through a real
 * Redis-protocol server (Debian's redis-server, as ElastiCache for Valkey in AWS), and the stop sequence's 1012.
 */
const CHANGED = 'subscription { itemChanged { kind id version } }';

const subscriber = (url: string) => {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  const received: { kind: string; id: string; version: number | null }[] = [];
  const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  client.subscribe<{ itemChanged: (typeof received)[number] }>(
    { query: CHANGED },
    { next: (r) => received.push(r.data!.itemChanged), error: () => undefined, complete: () => undefined },
  );
  return { client, received, connected };
};

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('subscriptions across two service processes, through redis-server', () => {
  let redis: ChildProcess;
  let dynamo: { endpoint: string; close(): Promise<void> };
  const services: ChildService[] = [];
  const clients: Client[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    dynamo = await startTestDynamo();
    const table = testTableName();
    env = { DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_TABLE_NAME: table, CHANGE_BUS_URL: `redis://127.0.0.1:${port}`, SHUTDOWN_DELAY_MS: '0' };
    await ensureItemTable(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint }), table);
    for (let i = 0; i < 2; i += 1) services.push(await startServiceProcess(env));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(services.map((s) => s.stop()));
    redis?.kill('SIGTERM');
    await dynamo?.close();
  });

  it("tells subscribers on both processes of GraphQL writes served by either, and of the DELETE Lambda's deletes, in order", async () => {
    const [a, b] = [subscriber(services[0]!.url), subscriber(services[1]!.url)];
    clients.push(a.client, b.client);
    await Promise.all([a.connected, b.connected]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const graphql = async (url: string, query: string, variables: Record<string, unknown>) =>
      (await (
        await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })
      ).json()) as any;
    const created = await graphql(services[1]!.url, 'mutation($d: JSONObject!) { createItem(data: $d) { id } }', { d: { g: 1 } });
    const id = created.data.createItem.id as string;
    await graphql(services[0]!.url, 'mutation($id: ID!, $d: JSONObject!) { updateItem(id: $id, data: $d, expectedVersion: 1) { version } }', {
      id,
      d: { g: 2 },
    });
    // The DELETE Lambda, as a third writer on the same bus (its handler over a core of its own, as in its bundle).
    const lambdaCore = createCore(loadConfig({ NODE_ENV: 'test', ...env }));
    try {
      const result = await createHandler({ itemService: lambdaCore.itemService, logger: lambdaCore.logger })(eventFor('alb', `/picus/${id}`));
      expect(result.statusCode).toBe(200);
      await until(() => a.received.length >= 3 && b.received.length >= 3);
    } finally {
      lambdaCore.close();
    }
    for (const received of [a.received, b.received]) {
      expect(received.map((c) => [c.kind, c.id, c.version])).toEqual([
        ['CREATED', id, 1],
        ['UPDATED', id, 2],
        ['DELETED', id, null],
      ]);
    }
  });

  it('tells subscribers on both processes of every REST write served by either, in order', async () => {
    const [a, b] = [subscriber(services[0]!.url), subscriber(services[1]!.url)];
    clients.push(a.client, b.client);
    await Promise.all([a.connected, b.connected]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscribe messages reach both servers
    const created = await fetch(`${services[0]!.url}/picus/put`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
    const { id } = (await created.json()) as { id: string };
    await fetch(`${services[1]!.url}/picus/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': '*' }, body: '{"x":2}' });
    await until(() => a.received.length >= 2 && b.received.length >= 2);
    for (const received of [a.received, b.received]) {
      expect(received.map((c) => [c.kind, c.id, c.version])).toEqual([
        ['CREATED', id, 1],
        ['UPDATED', id, 2],
      ]);
    }
  });
});

describe('the stop sequence', () => {
  it('closes every WebSocket with 1012 (service restart) once the drain delay has passed, so clients reconnect elsewhere', async () => {
    const dynamo = await startTestDynamo();
    const core = createCore(
      loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_TABLE_NAME: testTableName(), SHUTDOWN_DELAY_MS: '100' }),
    );
    const running = await startService(core, { port: 0, host: '127.0.0.1' });
    try {
      const socket = new WebSocket(`${running.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = new Promise<[number, string]>((resolve) => socket.once('close', (code, reason) => resolve([code, reason.toString()])));
      await running.shutdown();
      expect(await closed).toEqual([1012, 'Service restart']);
    } finally {
      await dynamo.close();
    }
  });

  it('refuses a WebSocket beyond SUBSCRIPTION_MAX_CONNECTIONS at the upgrade (503), before any socket exists', async () => {
    const dynamo = await startTestDynamo();
    const core = createCore(
      loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_TABLE_NAME: testTableName(), SUBSCRIPTION_MAX_CONNECTIONS: '1' }),
    );
    const running = await startService(core, { port: 0, host: '127.0.0.1' });
    const url = `${running.url.replace(/^http/, 'ws')}/graphql`;
    try {
      const first = new WebSocket(url, 'graphql-transport-ws');
      await new Promise((resolve) => first.once('open', resolve));
      const second = new WebSocket(url, 'graphql-transport-ws');
      const refused = await new Promise<number>((resolve) => second.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      expect(refused).toBe(503);
      first.close();
    } finally {
      await running.shutdown();
      await dynamo.close();
    }
  });
});
