/**
 * DynamoDB throttling, which neither emulator produces: a proxy in front of
 * the real emulator answers chosen calls exactly as DynamoDB does when it
 * throttles (HTTP 400 ProvisionedThroughputExceededException; BatchGetItem
 * keys handed back in UnprocessedKeys). The service runs over real sockets and
 * the Lambda handler gets real-shaped ALB events; both use the SDK's own retry.
 *
 * What must hold: a throttle that passes is ridden out with no error a client
 * sees; one that lasts costs exactly DYNAMODB_MAX_ATTEMPTS calls per DynamoDB
 * call (no retry storm) and then a 503 DATABASE_UNAVAILABLE with Retry-After on
 * every transport, with nothing half-written; and service recovers by itself.
 */
import { get } from 'node:http';
import request from 'supertest';
import { loadConfig } from '../../app/core/config';
import { createCore, type Core } from '../../app/core/create-core';
import { createItemService } from '../../app/core/items/item-service';
import { startService, type RunningService } from '../../app/start-service';
import { createHandler, type DeleteHandler } from '../../lambda/create-handler';
import { startDynamoFaultProxy, type DynamoFaultProxy } from '../support/dynamo-fault-proxy';
import { eventFor } from '../support/events';
import { silentLogger, startTestCore, type TestCore } from '../support/test-core';

const MAX_ATTEMPTS = 3;

let upstream: TestCore;
let proxy: DynamoFaultProxy;
let core: Core;
let server: RunningService;
let lambda: DeleteHandler;

beforeAll(async () => {
  upstream = await startTestCore();
  proxy = await startDynamoFaultProxy(upstream.endpoint);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DYNAMODB_ENDPOINT: proxy.endpoint,
    DYNAMODB_TABLE_NAME: upstream.core.config.tableName,
    DYNAMODB_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    READY_CACHE_MS: '0',
  });
  core = createCore(config);
  server = await startService(core, { port: 0, host: '127.0.0.1' });
  lambda = createHandler({ itemService: core.itemService, logger: silentLogger() });
});
afterAll(async () => {
  await server?.shutdown();
  core?.close();
  await proxy?.close();
  await upstream?.close();
});
beforeEach(() => {
  proxy.fault = () => undefined;
  proxy.received.clear();
  proxy.throttled.clear();
});

const api = () => request(server.url);
const graphql = (query: string, variables: Record<string, unknown> = {}) => api().post('/graphql').send({ query, variables });
const create = async (data: Record<string, unknown>): Promise<string> => (await api().post('/picus/put').send(data).expect(201)).body.id;
/** Waits until `value()` has not changed for a second (retries still in their backoff have landed). */
const settled = async (value: () => number): Promise<void> => {
  for (let last = -1, stableSince = Date.now(); Date.now() - stableSince < 1000;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = value();
    if (now !== last) [last, stableSince] = [now, Date.now()];
  }
};
/** GET over a plain socket, reporting whether the response arrived whole (`complete`) or was cut. */
const getWhole = (url: string): Promise<{ status: number; text: string; complete: boolean }> =>
  new Promise((resolve, reject) => {
    get(url, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', () => undefined); // "aborted": seen through `complete`
      res.on('close', () => resolve({ status: res.statusCode ?? 0, text, complete: res.complete }));
    }).on('error', reject);
  });
const storedIds = async (): Promise<Set<string>> => {
  const ids = new Set<string>();
  for await (const page of upstream.core.itemService.scanAll()) for (const item of page) ids.add(item.id);
  return ids;
};

it('rides out a passing throttle: every first attempt throttled, every request answered as if nothing happened', async () => {
  const existing = await create({ kept: 1 });
  proxy.received.clear();
  proxy.fault = ({ attempt }) => (attempt === 1 ? 'throttle' : undefined);

  const id = (await api().post('/picus/put').send({ n: 1.5, s: 'ü' }).expect(201)).body.id as string;
  expect((await api().get(`/picus/get/${id}`).expect(200)).body.data).toEqual({ n: 1.5, s: 'ü' });
  expect((await api().get('/picus/list?limit=1000').expect(200)).body.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([id, existing]));
  expect((await api().get('/picus/list').expect(200)).body.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([id, existing]));
  const byIds = await graphql('query($ids: [ID!]!) { itemsByIds(ids: $ids) { id } }', { ids: [id, existing] }).expect(200);
  expect(byIds.body).toEqual({ data: { itemsByIds: [{ id }, { id: existing }] } });
  const created = await graphql('mutation { createItem(data: {via: "graphql"}) { id } }').expect(200);
  expect(created.body.errors).toBeUndefined();
  const deleted = await lambda(eventFor('alb', `/picus/${existing}`));
  expect(deleted.statusCode).toBe(200);

  process.stdout.write(
    `dynamodb throttling, passing: ${JSON.stringify({ received: Object.fromEntries(proxy.received), throttled: Object.fromEntries(proxy.throttled) })}\n`,
  );
  // Each operation was throttled, and each throttled call was retried exactly once.
  for (const operation of ['PutItem', 'GetItem', 'Scan', 'BatchGetItem', 'DeleteItem']) {
    const throttled = proxy.throttled.get(operation) ?? 0;
    expect([operation, throttled > 0, proxy.received.get(operation)]).toEqual([operation, true, 2 * throttled]);
  }
  expect((await storedIds()).has(existing)).toBe(false);
});

it('under a lasting throttle: 503 DATABASE_UNAVAILABLE with Retry-After everywhere, after exactly the configured attempts, nothing written', async () => {
  const id = await create({ kept: 2 });
  const before = await storedIds();
  proxy.received.clear();
  proxy.fault = () => 'throttle';

  const rest = await Promise.all(
    [api().get(`/picus/get/${id}`), api().post('/picus/put').send({ lost: false }), api().get('/picus/list?limit=10'), api().get('/picus/list')].map(
      async (pending, i) => [i, await pending] as const,
    ),
  );
  for (const [i, res] of rest) {
    const unavailable = { error: 'Database temporarily unavailable, retry later', code: 'DATABASE_UNAVAILABLE' };
    expect([i, res.status, res.body, res.headers['retry-after']]).toEqual([i, 503, unavailable, '1']);
  }
  const gql = await Promise.all([graphql('query($id: ID!) { item(id: $id) { id } }', { id }), graphql('mutation { createItem(data: {lost: false}) { id } }')]);
  for (const res of gql) expect(res.body.errors[0].extensions).toEqual({ code: 'DATABASE_UNAVAILABLE' });
  const deleted = await lambda(eventFor('alb', `/picus/${id}`));
  expect([deleted.statusCode, JSON.parse(deleted.body).code, deleted.headers?.['retry-after'] ?? deleted.headers?.['Retry-After']]).toEqual([
    503,
    'DATABASE_UNAVAILABLE',
    '1',
  ]);

  // Bounded: every DynamoDB call the requests made was tried MAX_ATTEMPTS times, then given up.
  // GET: 1 GetItem; two writes: 2 PutItem; list?limit: 1 Scan; streamed list: the first Scan of each
  // of its 4 segments (the request ends with the first to fail; the others finish their attempts);
  // GraphQL item: 1 BatchGetItem; DELETE: 1 DeleteItem.
  await settled(() => [...proxy.received.values()].reduce((a, b) => a + b, 0));
  process.stdout.write(
    `dynamodb throttling, lasting: ${JSON.stringify({ unavailableAnswers: rest.length + gql.length + 1, received: Object.fromEntries(proxy.received) })}\n`,
  );
  expect(Object.fromEntries(proxy.received)).toEqual({
    GetItem: 1 * MAX_ATTEMPTS,
    PutItem: 2 * MAX_ATTEMPTS,
    Scan: 5 * MAX_ATTEMPTS,
    BatchGetItem: 1 * MAX_ATTEMPTS,
    DeleteItem: 1 * MAX_ATTEMPTS,
  });
  await api().get('/health').expect(200);
  expect((await api().get('/ready')).status).toBe(503);

  // Recovery needs no restart, and no write that was answered 503 happened.
  proxy.fault = () => undefined;
  await api().get('/ready').expect(200);
  expect((await api().get(`/picus/get/${id}`).expect(200)).body.id).toBe(id);
  expect(await storedIds()).toEqual(before);
});

it('reads every item when BatchGetItem hands keys back in UnprocessedKeys', async () => {
  const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => create({ i })));
  proxy.received.clear();
  proxy.fault = ({ operation }) => (operation === 'BatchGetItem' ? { batchGetLimit: 30 } : undefined);
  const res = await graphql('query($ids: [ID!]!) { itemsByIds(ids: $ids) { id data } }', { ids }).expect(200);
  expect(res.body.data.itemsByIds.map((item: { id: string; data: { i: number } }) => [item.id, item.data.i])).toEqual(ids.map((id, i) => [id, i]));
  // 100 keys, 30 read per call: 30 + 30 + 30 + 10.
  expect(proxy.received.get('BatchGetItem')).toBe(4);
});

it('cuts a streamed list that a lasting throttle interrupts, so the client sees it incomplete, and keeps serving', async () => {
  await Promise.all(Array.from({ length: 40 }, (_, i) => create({ page: i })));
  // The same service, with small pages so that the stream is many Scan calls long; its shutdown
  // must not close the DynamoDB client the other server shares.
  const itemService = createItemService({ store: core.itemStore, scanPageItems: 5, scanSegments: 2 });
  const small = await startService({ ...core, itemService, close: () => undefined }, { port: 0, host: '127.0.0.1' });
  try {
    let scans = 0;
    proxy.fault = ({ operation }) => (operation === 'Scan' && ++scans > 4 ? 'throttle' : undefined);
    const body = await getWhole(`${small.url}/picus/list`);
    expect(body.status).toBe(200);
    expect(body.text.startsWith('[')).toBe(true);
    expect(() => JSON.parse(body.text)).toThrow();
    expect(body.complete).toBe(false);

    proxy.fault = () => undefined;
    await request(small.url).get('/health').expect(200);
    expect((await request(small.url).get('/picus/list').expect(200)).body.length).toBeGreaterThanOrEqual(40);
  } finally {
    await small.shutdown();
  }
});
