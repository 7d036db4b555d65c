import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../app/core/config';
import { createCore } from '../../app/core/create-core';
import { startHttpServer } from '../../app/http/http-server';
import { startTestCore, type TestCore } from '../support/test-core';

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('when DynamoDB is unreachable', () => {
  it('answers 503 DATABASE_UNAVAILABLE within seconds, while /health stays 200 and /ready turns 503', async () => {
    const port = await closedPort();
    const core = createCore(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` }));
    const running = await startHttpServer(core, { port: 0, host: '127.0.0.1' });
    try {
      const started = Date.now();
      for (const [method, path] of [['get', '/picus/get/x'], ['get', '/picus/list'], ['get', '/picus/list?limit=5'], ['post', '/picus/put']] as const) {
        const res = await request(running.url)[method](path).send(method === 'post' ? { a: 1 } : undefined);
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
    const core = createCore(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`, DYNAMODB_REQUEST_TIMEOUT_MS: '300', DYNAMODB_MAX_ATTEMPTS: '2' }));
    const running = await startHttpServer(core, { port: 0, host: '127.0.0.1' });
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
    const running = await startHttpServer(t.core, { port: 0, host: '127.0.0.1' });
    const { port } = running.server.address() as AddressInfo;

    // An upload still in flight when SIGTERM arrives: half the body now, the rest after shutdown began.
    const body = JSON.stringify({ slow: 'x'.repeat(1000) });
    const inFlight = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/picus/put', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 500));
      setTimeout(() => req.end(body.slice(500)), 600);
    });
    await new Promise((r) => setTimeout(r, 50));

    const stopped = running.shutdown();
    // During the delay the instance still serves, but says it is not ready.
    const ready = await request(running.url).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.code).toBe('SHUTTING_DOWN');

    const finished = await inFlight;
    expect(finished.status).toBe(201);
    expect(finished.connection).toBe('close');
    const { id } = JSON.parse(finished.body) as { id: string };
    await expect(t.core.itemService.get(id)).resolves.toMatchObject({ id });

    await stopped;
    await expect(request(running.url).get('/health')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('production entry point (app/server.ts)', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  it('fails fast on bad configuration, naming the variable', async () => {
    const result = await run({ PORT: 'eighty' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('PORT must be an integer');
  });

  it('logs JSON, serves, and exits 0 on SIGTERM', async () => {
    const port = await closedPort();
    const result = await run(
      { PORT: String(port), DYNAMODB_ENDPOINT: t.endpoint, DYNAMODB_TABLE_NAME: t.core.config.tableName, LOG_LEVEL: 'info', NODE_ENV: 'production', AUTH_MODE: 'off', SHUTDOWN_DELAY_MS: '0' },
      async (stdout) => {
        if (!stdout.includes('"listening"')) return false;
        await request(`http://127.0.0.1:${port}`).post('/picus/put').send({ secret: 'do-not-log' }).expect(201);
        return true;
      },
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'request', 'stop signal received', 'stopped']));
    const access = lines.find((l) => l.msg === 'request')!;
    expect(access).toMatchObject({ method: 'POST', route: '/picus/put', status: 201, level: 'info' });
    expect(result.stdout).not.toContain('do-not-log');
  });
});

/** Runs the entry point; `onOutput` returns true once it has done its checks, and the process is then sent SIGTERM. */
function run(env: Record<string, string>, onOutput?: (stdout: string) => Promise<boolean>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../app/server.ts')], {
      env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (onOutput && !signalled) {
        signalled = true;
        onOutput(stdout).then(
          (done) => (done ? child.kill('SIGTERM') : (signalled = false)),
          (error) => {
            child.kill('SIGKILL');
            reject(error);
          },
        );
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
