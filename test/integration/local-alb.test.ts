import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { withoutContract } from '../support/openapi-contract';
import { startService, type RunningService } from '../../app/start-service';
import { createHandler } from '../../lambda/create-handler';
import { startLocalAlb, type LambdaTarget, type LocalAlb } from '../../local/alb';
import type { AlbEvent } from '../../local/alb-event';
import { send } from '../support/load';
import { silentLogger, startTestCore, type TestCore } from '../support/test-core';

const FAST_HEALTH = { intervalMs: 100, timeoutMs: 200, healthyThreshold: 2, unhealthyThreshold: 2 };

describe('local ALB in front of the service and the Lambda', () => {
  let t: TestCore;
  let service: RunningService;
  let alb: LocalAlb;
  const events: AlbEvent[] = [];
  beforeAll(async () => {
    t = await startTestCore();
    service = await startService(t.core, { port: 0, host: '127.0.0.1' });
    const handler = createHandler({ itemService: t.core.itemService, logger: silentLogger() });
    const recording: LambdaTarget = (event, context) => {
      events.push(event as AlbEvent);
      return handler(event, context);
    };
    alb = await startLocalAlb({ lambda: recording, healthCheck: FAST_HEALTH }, 0);
    alb.registerTarget(service.url);
    await alb.waitFor(service.url, 'healthy');
  });
  afterAll(async () => {
    await alb.close();
    await service.shutdown();
    await t.close();
  });

  it('serves the whole REST flow, DELETE through the Lambda', async () => {
    const put = await request(alb.url).post('/picus/put').send({ via: 'alb' }).expect(201);
    const id = put.body.id as string;
    await request(alb.url).get(`/picus/get/${id}`).expect(200);
    const del = await request(alb.url).delete(`/picus/${id}`).expect(200);
    expect(del.body).toEqual({ message: `Item '${id}' deleted successfully` });
    await request(alb.url).get(`/picus/get/${id}`).expect(404);
    const again = await request(alb.url).delete(`/picus/${id}`).expect(404);
    expect(again.body.detail).toBe(`Item with id '${id}' not found`);
  });

  it('sends DELETE /picus/get/abc to the Lambda, which refuses it 404 (the original deleted item "get")', async () => {
    await t.core.itemStore.put({ id: 'get', data: { keep: true } });
    const res = await request(alb.url).delete('/picus/get/abc').expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
    await expect(t.core.itemService.get('get')).resolves.toMatchObject({ id: 'get' });
  });

  it('sends DELETE /picus (no slash) to the service, which answers 404', async () => {
    await request(alb.url).delete('/picus').expect(404, { error: 'Not found', code: 'NOT_FOUND' });
  });

  it('serves GraphQL through the default action', async () => {
    const res = await request(alb.url).post('/graphql').send({ query: '{ item(id: "x") { id } }' }).expect(200);
    expect(res.body).toEqual({ data: { item: null } });
  });

  it('builds the event the real ALB builds', async () => {
    events.length = 0;
    await request(alb.url)
      .delete('/picus/some%20key?a=b%20c&a=d&e')
      .set('X-Custom', 'one')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from([1, 2, 3]));
    const event = events[0]!;
    expect(event.httpMethod).toBe('DELETE');
    expect(event.path).toBe('/picus/some%20key');
    expect(event.queryStringParameters).toEqual({ a: 'd', e: '' });
    expect(event.headers!['x-custom']).toBe('one');
    expect(Object.keys(event.headers!).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.headers!['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers!['x-forwarded-proto']).toBe('http');
    expect(event.headers!['x-forwarded-port']).toBe(String(alb.port));
    expect(event.headers!['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(Buffer.from([1, 2, 3]));
    expect(event.requestContext.elb.targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:/);
  });

  it('passes JSON bodies as text and keeps an incoming trace id', async () => {
    events.length = 0;
    await request(alb.url).delete('/picus/x').set('X-Amzn-Trace-Id', 'Root=1-00000001-000000000000000000000001').send({ a: 1 });
    expect(events[0]!.isBase64Encoded).toBe(false);
    expect(events[0]!.body).toBe('{"a":1}');
    expect(events[0]!.headers!['x-amzn-trace-id']).toBe('Root=1-00000001-000000000000000000000001');
  });

  it('closes the client connection when the service answers before the body is read, so the next request does not stall', async () => {
    // Apollo refuses this content type at once, leaving 1 MB of body unread (a hang the fuzz suite found).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1_000_000)}` });
      const first = await send(
        alb.url,
        { method: 'POST', path: '/graphql', body, headers: { 'content-type': 'application/graphql-response+json' } },
        { agent, timeoutMs: 5000 },
      );
      expect(first.status).toBe(400);
      const next = await send(alb.url, { method: 'GET', path: '/health' }, { agent, timeoutMs: 5000 });
      expect({ status: next.status, error: next.error }).toEqual({ status: 200, error: undefined });
    } finally {
      agent.destroy();
    }
  });

  it('adds forwarding headers for the service too', async () => {
    const res = await request(alb.url).get('/health').set('X-Amzn-Trace-Id', 'Root=1-00000002-000000000000000000000002').expect(200);
    expect(res.headers['x-request-id']).toBe('1-00000002-000000000000000000000002');
  });
});

describe('local ALB Lambda target rules', () => {
  const lambdaAnswering = async (result: unknown, multiValueHeaders = false) => {
    const alb = await startLocalAlb({ lambda: async () => result, multiValueHeaders, healthCheck: FAST_HEALTH }, 0);
    try {
      return await request(alb.url).delete('/picus/x');
    } finally {
      await alb.close();
    }
  };

  it('answers 502 when the Lambda sends a non-string header value', async () => {
    const res = await lambdaAnswering({ statusCode: 200, headers: { 'x-n': 1 }, body: '', isBase64Encoded: false });
    expect(res.status).toBe(502);
  });

  it('answers 502 when the Lambda throws', async () => {
    const alb = await startLocalAlb({ lambda: () => Promise.reject(new Error('boom')), healthCheck: FAST_HEALTH }, 0);
    await request(alb.url).delete('/picus/x').expect(502);
    await alb.close();
  });

  it('answers 502 when single-value headers come back in multi-value mode', async () => {
    const res = await lambdaAnswering({ statusCode: 200, headers: { a: 'b' }, body: '', isBase64Encoded: false }, true);
    expect(res.status).toBe(502);
  });

  it('sends multi-value events and reads multi-value responses in multi-value mode', async () => {
    let seen: AlbEvent | undefined;
    const alb = await startLocalAlb(
      {
        lambda: async (event) => {
          seen = event as AlbEvent;
          return { statusCode: 204, statusDescription: '204 No Content', multiValueHeaders: { 'x-v': ['1', '2'] }, body: '', isBase64Encoded: false };
        },
        multiValueHeaders: true,
        healthCheck: FAST_HEALTH,
      },
      0,
    );
    // A stand-in Lambda's 204, not this API's answer: the contract check does not apply.
    const res = await withoutContract(async () => request(alb.url).delete('/picus/x?a=1&a=2').set('X-Custom', 'one'));
    await alb.close();
    expect(res.status).toBe(204);
    expect(res.headers['x-v']).toBe('1, 2');
    expect(seen!.multiValueQueryStringParameters).toEqual({ a: ['1', '2'] });
    expect(seen!.multiValueHeaders!['x-custom']).toEqual(['one']);
    expect(seen!.headers).toBeUndefined();
  });
});

describe('local ALB service targets', () => {
  /** A tiny target whose health and latency a test controls. */
  /** A target that answers its name; `/slow` waits until released, and `slowArrived` says when it got there. */
  async function fakeTarget(name: string): Promise<{ url: string; healthy: boolean; server: Server; slowArrived: Promise<void>; releaseSlow: () => void }> {
    let arrive!: () => void;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const state = {
      url: '',
      healthy: true,
      server: undefined as unknown as Server,
      slowArrived: new Promise<void>((resolve) => (arrive = resolve)),
      releaseSlow: release,
    };
    state.server = createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(state.healthy ? 200 : 503).end();
        return;
      }
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
      if (req.url === '/openapi.json') {
        arrive();
        void released.then(answer);
      } else answer();
    });
    await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
    return state;
  }

  it('routes only to healthy targets and follows health changes', async () => {
    const a = await fakeTarget('a');
    const b = await fakeTarget('b');
    const alb = await startLocalAlb({ lambda: async () => ({}), healthCheck: FAST_HEALTH }, 0);
    try {
      alb.registerTarget(a.url);
      alb.registerTarget(b.url);
      await Promise.all([alb.waitFor(a.url, 'healthy'), alb.waitFor(b.url, 'healthy')]);
      const spread = await Promise.all(Array.from({ length: 10 }, () => request(alb.url).get('/openapi.yaml')));
      expect(new Set(spread.map((r) => r.text))).toEqual(new Set(['a', 'b']));

      b.healthy = false;
      await alb.waitFor(b.url, 'unhealthy');
      const onlyA = await Promise.all(Array.from({ length: 10 }, () => request(alb.url).get('/openapi.yaml')));
      expect(onlyA.every((r) => r.text === 'a')).toBe(true);

      b.healthy = true;
      await alb.waitFor(b.url, 'healthy');
    } finally {
      await alb.close();
      a.server.close();
      b.server.close();
    }
  });

  it('drains a deregistered target: in-flight requests finish, new ones go elsewhere', async () => {
    const a = await fakeTarget('a');
    const b = await fakeTarget('b');
    const alb = await startLocalAlb({ lambda: async () => ({}), healthCheck: FAST_HEALTH, deregistrationDelayMs: 5000 }, 0);
    try {
      alb.registerTarget(a.url);
      await alb.waitFor(a.url, 'healthy');
      const slow = request(alb.url)
        .get('/openapi.json')
        .then((res) => res); // supertest sends on then()
      await a.slowArrived;
      alb.registerTarget(b.url);
      await alb.waitFor(b.url, 'healthy');
      const drained = alb.deregisterTarget(a.url);
      expect(alb.targets().find((t) => t.url === a.url)?.state).toBe('draining');
      const during = await request(alb.url).get('/openapi.yaml');
      expect(during.text).toBe('b');
      a.releaseSlow();
      expect((await slow).text).toBe('a');
      await drained;
      expect(alb.targets().map((t) => t.url)).toEqual([b.url]);
    } finally {
      await alb.close();
      a.server.close();
      b.server.close();
    }
  });

  it('answers 503 with no targets and 502 when a target refuses connections', async () => {
    const alb = await startLocalAlb({ lambda: async () => ({}), healthCheck: FAST_HEALTH }, 0);
    try {
      await request(alb.url).get('/openapi.yaml').expect(503);
      alb.registerTarget('http://127.0.0.1:1');
      await request(alb.url).get('/openapi.yaml').expect(502);
    } finally {
      await alb.close();
    }
  });
});
