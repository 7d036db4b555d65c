import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../app/create-app';
import { startLocalStack } from '../support/local-stack';
import { startTestCore, type TestCore } from '../support/test-core';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function expectJsonError(res: request.Response, status: number, code: string, error?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.code).toBe(code);
  expect(typeof res.body.error).toBe('string');
  if (error !== undefined) expect(res.body.error).toBe(error);
}

/**
 * One REST behaviour suite, run against each way a client meets the API (as Apollo Server runs one suite over every
 * integration): the service alone, and the whole local system through its ALB, where DELETE /picus/{key} is the
 * Lambda's. A behaviour that holds on one and not the other fails here.
 */
interface Target {
  /** What supertest sends to: the Express app, or the ALB's URL. */
  app: Express | string;
  /** DELETE /picus/{key} reaches the Lambda (through the ALB), not the service's 405. */
  lambdaDeletes: boolean;
  t: TestCore;
  close(): Promise<void>;
}

const TARGETS: [string, () => Promise<Target>][] = [
  [
    'the service',
    async () => {
      const t = await startTestCore({ MAX_BODY_BYTES: String(350 * 1024) });
      const { app } = await createApp({ core: t.core });
      return { app, lambdaDeletes: false, t, close: () => t.close() };
    },
  ],
  [
    'the whole system through the local ALB',
    async () => {
      const stack = await startLocalStack({ MAX_BODY_BYTES: String(350 * 1024) });
      return { app: stack.alb.url, lambdaDeletes: true, t: stack.t, close: () => stack.close() };
    },
  ],
];

describe.each(TARGETS)('REST API, %s', (_name, start) => {
  let t: TestCore;
  let app: Express | string;
  let target: Target;
  beforeAll(async () => {
    target = await start();
    ({ app, t } = target);
  });
  afterAll(() => target.close());

  const create = async (data: unknown): Promise<string> => {
    const res = await request(app)
      .post('/picus/put')
      .send(data as object)
      .expect(201);
    return res.body.id as string;
  };

  describe('GET /health', () => {
    it('answers the exact original body, compact', async () => {
      const res = await request(app).get('/health').expect(200);
      expect(res.text).toBe('{"service":"picus-api","status":"healthy"}');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('answers 405 JSON with Allow for other methods', async () => {
      const res = await request(app).post('/health');
      expectJsonError(res, 405, 'METHOD_NOT_ALLOWED');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    });
  });

  describe('GET /ready', () => {
    it('is 200 when DynamoDB answers', async () => {
      await request(app).get('/ready').expect(200, { status: 'ready' });
    });
  });

  describe('POST /picus/put', () => {
    it('creates an item: 201, a uuid v4 id, compact body and a Location', async () => {
      const res = await request(app).post('/picus/put').send({ name: 'picus' }).expect(201);
      expect(res.body.id).toMatch(UUID_V4);
      expect(res.text).toBe(`{"id":"${res.body.id}"}`);
      expect(res.headers.location).toBe(`/picus/get/${res.body.id}`);
    });

    it('round-trips every JSON type exactly (the original turned numbers into strings and failed on floats)', async () => {
      const data = {
        int: 1,
        neg: -42,
        float: 1.5,
        small: 0.000123,
        big: 12345678901234,
        exp: 1e21,
        t: true,
        f: false,
        n: null,
        s: 'naïve 😀 日本',
        arr: [1, 2.5, 'x', null, [true], { k: 'v' }],
        nested: { a: { b: { c: [] } } },
        empty: '',
      };
      const id = await create(data);
      const res = await request(app).get(`/picus/get/${id}`).expect(200);
      expect(res.body.data).toEqual(data);
      expect(res.body.id).toBe(id);
      expect(Date.parse(res.body.createdAt)).not.toBeNaN();
      expect(Object.keys(res.body)).toEqual(['createdAt', 'data', 'id']);
    });

    it('accepts +json content types, as the original did', async () => {
      await request(app).post('/picus/put').set('Content-Type', 'application/vnd.api+json').send('{"a":1}').expect(201);
    });

    it.each([
      ['{}', '{}'],
      ['null', 'null'],
      ['false', 'false'],
      ['0', '0'],
      ['empty string', '""'],
      ['an empty body', ''],
    ])('rejects %s with the original message', async (_label, body) => {
      const res = await request(app).post('/picus/put').set('Content-Type', 'application/json').send(body);
      expectJsonError(res, 400, 'VALIDATION_FAILED', 'No data provided');
    });

    it('rejects an empty body without a content type as no data', async () => {
      expectJsonError(await request(app).post('/picus/put'), 400, 'VALIDATION_FAILED', 'No data provided');
    });

    it.each(['[1,2]', '"hello"', 'true', '42'])('rejects the non-object body %s', async (body) => {
      const res = await request(app).post('/picus/put').set('Content-Type', 'application/json').send(body);
      expectJsonError(res, 400, 'VALIDATION_FAILED', 'Data must be a JSON object');
    });

    it('rejects malformed JSON with 400', async () => {
      const res = await request(app).post('/picus/put').set('Content-Type', 'application/json').send('{"a":');
      expectJsonError(res, 400, 'VALIDATION_FAILED', 'Malformed JSON body');
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('rejects %s with 415', async (type) => {
      const res = await request(app).post('/picus/put').set('Content-Type', type).send('a=1');
      expectJsonError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('rejects a body without a content type with 415', async () => {
      const res = await request(app)
        .post('/picus/put')
        .serialize((x: string) => x)
        .send('{"a":1}')
        .unset('Content-Type');
      expectJsonError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('rejects a body over the limit with 413', async () => {
      const res = await request(app)
        .post('/picus/put')
        .send({ s: 'x'.repeat(351 * 1024) });
      expectJsonError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('rejects an item DynamoDB would find over 400 KB with 413', async () => {
      // Under the 350 KB body limit as JSON, but each number costs more in DynamoDB than in JSON: ~525 KB stored.
      const list = Array.from({ length: 170_000 }, () => 1);
      const res = await request(app).post('/picus/put').send({ list });
      expectJsonError(res, 413, 'PAYLOAD_TOO_LARGE', 'Item is too large: DynamoDB stores at most 400 KB per item');
    });

    it('rejects nesting deeper than 32 levels with 400 (the embedded server does not check it)', async () => {
      let deep: unknown = 1;
      for (let i = 0; i < 40; i += 1) deep = { a: deep };
      const res = await request(app)
        .post('/picus/put')
        .send(deep as object);
      expectJsonError(res, 400, 'VALIDATION_FAILED', 'Data is nested too deeply: at most 32 levels are allowed');
    });

    it('rejects numbers DynamoDB cannot store with 400', async () => {
      const res = await request(app).post('/picus/put').set('Content-Type', 'application/json').send('{"n":1e200}');
      expectJsonError(res, 400, 'VALIDATION_FAILED');
    });

    it('rejects an unsupported charset with 415', async () => {
      const res = await request(app).post('/picus/put').set('Content-Type', 'application/json; charset=latin1').send('{"a":1}');
      expectJsonError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 405 for other methods; DELETE is the Lambda\'s, which deletes the item "put" as the original\'s ALB rule did', async () => {
      for (const method of ['get', 'put', 'delete', 'patch'] as const) {
        const res = await request(app)[method]('/picus/put');
        if (method === 'delete' && target.lambdaDeletes) {
          expectJsonError(res, 404, 'NOT_FOUND', "Item with id 'put' not found");
          continue;
        }
        expectJsonError(res, 405, 'METHOD_NOT_ALLOWED');
        expect(res.headers.allow).toBe('POST, DELETE, OPTIONS');
      }
    });

    it('stores 100 concurrent puts, every one readable', async () => {
      const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => create({ i, tag: 'concurrent' })));
      expect(new Set(ids).size).toBe(100);
      const items = await t.core.itemService.getMany(ids);
      items.forEach((item, i) => expect(item).toMatchObject({ data: { i, tag: 'concurrent' } }));
    });
  });

  describe('GET /picus/get/{key}', () => {
    it('answers 404 with the original message for a missing item', async () => {
      const res = await request(app).get('/picus/get/nope');
      expectJsonError(res, 404, 'NOT_FOUND', "Item with id 'nope' not found");
    });

    it('decodes the key once', async () => {
      const res = await request(app).get('/picus/get/a%20b');
      expectJsonError(res, 404, 'NOT_FOUND', "Item with id 'a b' not found");
    });

    it('rejects a key over 2048 bytes with 400', async () => {
      const res = await request(app).get(`/picus/get/${'k'.repeat(2049)}`);
      expectJsonError(res, 400, 'VALIDATION_FAILED', 'Item id must be at most 2048 bytes');
    });

    it('rejects malformed percent-encoding with 400', async () => {
      expectJsonError(await request(app).get('/picus/get/%E0%A4%A'), 400, 'VALIDATION_FAILED');
    });

    it('reads an item stored by the original (no createdAt, non-object data)', async () => {
      await t.core.itemStore.put({ id: 'legacy', data: [1, 2] });
      const res = await request(app).get('/picus/get/legacy').expect(200);
      expect(res.text).toBe('{"data":[1,2],"id":"legacy"}');
    });

    it.each(['/picus/get/', '/picus/get/a/b', '/picus/list/x', '/nonexistent', '/PICUS/LIST'])('answers 404 Not found for %s', async (path) => {
      expectJsonError(await request(app).get(path), 404, 'NOT_FOUND', 'Not found');
    });

    it("leaves DELETE to the Lambda: 405 from the service alone, and through the ALB the Lambda's 404 for a path that is no key", async () => {
      const res = await request(app).delete('/picus/get/abc');
      if (target.lambdaDeletes) expectJsonError(res, 404, 'NOT_FOUND');
      else expectJsonError(res, 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe('GET /picus/list', () => {
    it('returns a JSON array containing created items', async () => {
      const id = await create({ listed: true });
      const res = await request(app).get('/picus/list').expect(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body).toContainEqual(expect.objectContaining({ id, data: { listed: true } }));
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('pages with limit and a Link to the next page until every item is seen', async () => {
      const all = (await request(app).get('/picus/list').expect(200)).body as { id: string }[];
      const seen: string[] = [];
      let next: string | undefined = '/picus/list?limit=40';
      let pages = 0;
      while (next) {
        const res = await request(app).get(next).expect(200);
        expect(res.body.length).toBeLessThanOrEqual(40);
        seen.push(...res.body.map((item: { id: string }) => item.id));
        const link = res.headers.link as string | undefined;
        next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
        pages += 1;
      }
      expect(pages).toBe(Math.ceil(all.length / 40));
      expect(seen.sort()).toEqual(all.map((item) => item.id).sort());
    });

    it.each(['0', '1001', 'abc', '1.5', '-1'])('rejects limit=%s with 400', async (limit) => {
      expectJsonError(await request(app).get(`/picus/list?limit=${limit}`), 400, 'VALIDATION_FAILED');
    });

    it('rejects a repeated limit with 400', async () => {
      expectJsonError(await request(app).get('/picus/list?limit=1&limit=2'), 400, 'VALIDATION_FAILED');
    });

    it('rejects an invalid cursor with 400', async () => {
      expectJsonError(await request(app).get('/picus/list?cursor=garbage!'), 400, 'VALIDATION_FAILED', 'Invalid cursor');
    });
  });

  describe('errors and headers', () => {
    it('answers unknown paths with 404 JSON for any method', async () => {
      expectJsonError(await request(app).post('/nope'), 404, 'NOT_FOUND', 'Not found');
      expectJsonError(await request(app).delete('/picus'), 404, 'NOT_FOUND', 'Not found');
    });

    it('takes the request id from X-Amzn-Trace-Id', async () => {
      const res = await request(app).get('/health').set('X-Amzn-Trace-Id', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1');
      expect(res.headers['x-request-id']).toBe('1-5759e988-bd862e3fe1be46a994272793');
    });

    it('sends security headers and no X-Powered-By', async () => {
      const res = await request(app).get('/health');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('sends the security headers of a JSON API in production, and none meant for HTML pages', async () => {
      const production = await startTestCore({ NODE_ENV: 'production', LOG_LEVEL: 'silent', AUTH_MODE: 'off' });
      try {
        const { app: prod } = await createApp({ core: production.core });
        const res = await request(prod).get('/picus/get/missing');
        expect(res.headers).toMatchObject({
          'content-security-policy': "default-src 'none';frame-ancestors 'none'",
          'strict-transport-security': 'max-age=31536000; includeSubDomains',
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'cross-origin-resource-policy': 'same-origin',
        });
        for (const name of [
          'x-powered-by',
          'x-xss-protection',
          'x-dns-prefetch-control',
          'x-download-options',
          'origin-agent-cluster',
          'referrer-policy',
          'cross-origin-opener-policy',
        ]) {
          expect(res.headers[name]).toBeUndefined();
        }
      } finally {
        await production.close();
      }
    });

    it('allows loopback browser origins in development and no others', async () => {
      const ok = await request(app).get('/health').set('Origin', 'http://localhost:3000');
      expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      const other = await request(app).get('/health').set('Origin', 'https://evil.example.com');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
