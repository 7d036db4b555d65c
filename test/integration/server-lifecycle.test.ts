import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../app/core/config';
import { createCore } from '../../app/core/create-core';
import { startService } from '../../app/start-service';
import { connectionRefused, freePort, runServiceProcess, startServiceProcess } from '../support/processes';
import { startTestCore, type TestCore } from '../support/test-core';

describe('when DynamoDB is unreachable', () => {
  it('answers 503 DATABASE_UNAVAILABLE within seconds, while /health stays 200 and /ready turns 503', async () => {
    const port = await freePort();
    const core = createCore(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` }));
    const running = await startService(core, { port: 0, host: '127.0.0.1' });
    try {
      const started = Date.now();
      for (const [method, path] of [
        ['get', '/picus/get/x'],
        ['get', '/picus/list'],
        ['get', '/picus/list?limit=5'],
        ['post', '/picus/put'],
      ] as const) {
        const client = request(running.url);
        const res = await (method === 'post' ? client.post(path).send({ a: 1 }) : client.get(path));
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ error: 'Database temporarily unavailable, retry later', code: 'DATABASE_UNAVAILABLE' });
        expect(res.headers['retry-after']).toBe('1');
      }
      expect(Date.now() - started).toBeLessThan(10_000);
      const gql = await request(running.url).post('/graphql').send({ query: '{ item(id: "x") { id } }' });
      expect(gql.body.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      await request(running.url).get('/health').expect(200);
      const ready = await request(running.url).get('/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.code).toBe('DATABASE_UNAVAILABLE');
    } finally {
      await running.shutdown();
    }
  });

  it('gives up on a database that accepts connections but never answers, within its timeout budget', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const blackhole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as AddressInfo;
    // 300 ms per attempt, 2 attempts: the service must answer well before a client would time out.
    const core = createCore(
      loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`, DYNAMODB_REQUEST_TIMEOUT_MS: '300', DYNAMODB_MAX_ATTEMPTS: '2' }),
    );
    const running = await startService(core, { port: 0, host: '127.0.0.1' });
    try {
      const started = Date.now();
      const res = await request(running.url).get('/picus/get/x');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await running.shutdown();
      sockets.forEach((socket) => socket.destroy());
      blackhole.close();
    }
  });
});

describe('graceful shutdown', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({ SHUTDOWN_DELAY_MS: '300', SHUTDOWN_GRACE_MS: '5000' });
  });
  afterAll(() => t.close());

  it('fails readiness, finishes in-flight requests with Connection: close, then refuses new connections', async () => {
    const running = await startService(t.core, { port: 0, host: '127.0.0.1' });
    const { port } = running.server.address() as AddressInfo;

    // An upload still in flight when SIGTERM arrives: half the body now, the rest once shutdown has begun.
    const body = JSON.stringify({ slow: 'x'.repeat(1000) });
    const arrived = once(running.server, 'request');
    let sendRest!: () => void;
    const inFlight = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/picus/put',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 500));
      sendRest = () => req.end(body.slice(500));
    });
    await arrived;

    const stopped = running.shutdown();
    // During the delay the instance still serves, but says it is not ready.
    const ready = await request(running.url).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('SHUTTING_DOWN');
    // The rest of the body only once the listener has closed: the request in flight must still be finished.
    await refusingConnections(port);
    sendRest();

    const finished = await inFlight;
    expect(finished.status).toBe(201);
    expect(finished.connection).toBe('close');
    const { id } = JSON.parse(finished.body) as { id: string };
    await expect(t.core.itemService.get(id)).resolves.toMatchObject({ id });

    await stopped;
    await expect(request(running.url).get('/health')).rejects.toThrow(/ECONNREFUSED/);
  });
});

/** Resolves once nothing accepts connections on the port any more (the listener closed). */
async function refusingConnections(port: number): Promise<void> {
  while (!(await connectionRefused(port))) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('production entry point (app/main.ts)', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  it('fails fast on bad configuration, naming the variable', async () => {
    const result = await runServiceProcess({ PORT: 'eighty' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('PORT must be an integer');
  });

  it('logs JSON, serves, and exits 0 on SIGTERM', async () => {
    const service = await startServiceProcess({
      DYNAMODB_ENDPOINT: t.endpoint,
      DYNAMODB_TABLE_NAME: t.core.config.tableName,
      LOG_LEVEL: 'info',
      SHUTDOWN_DELAY_MS: '0',
    });
    await request(service.url).post('/picus/put').send({ secret: 'do-not-log' }).expect(201);
    expect(await service.stop('SIGTERM')).toBe(0);
    const lines = service
      .output()
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'request', 'stop signal received', 'stopped']));
    const access = lines.find((l) => l.msg === 'request' && l.route === '/picus/put')!;
    expect(access).toMatchObject({ method: 'POST', route: '/picus/put', status: 201, level: 'info' });
    expect(service.output()).not.toContain('do-not-log');
  });
});
