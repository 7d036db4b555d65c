import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../app/core/config';
import { createCore } from '../../app/core/create-core';
import { createHandler, type DeleteHandler, type HttpEvent, type HttpResult } from '../../lambda/create-handler';
import { bundleLambda } from '../../scripts/build';
import { EVENT_KINDS, eventFor } from '../support/events';
import { freePort } from '../support/processes';
import { silentLogger, startTestCore, type TestCore } from '../support/test-core';

const headerOf = (result: HttpResult, name: string): string | undefined => {
  const key = Object.keys(result.headers ?? result.multiValueHeaders ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key) return undefined;
  const value = result.headers?.[key] ?? result.multiValueHeaders?.[key]?.[0];
  return value === undefined ? undefined : String(value);
};

describe('DELETE Lambda', () => {
  let t: TestCore;
  let handler: DeleteHandler;
  beforeAll(async () => {
    t = await startTestCore();
    handler = createHandler({ itemService: t.core.itemService, logger: silentLogger() });
  });
  afterAll(() => t.close());

  const newItem = async (): Promise<string> => (await t.core.itemService.create({ doomed: true })).id;

  describe.each(EVENT_KINDS)('with a %s event and the CORS policy', (kind) => {
    const withCors = () => createHandler({ itemService: t.core.itemService, logger: silentLogger(), cors: { origins: ['http://localhost:5173'] } });
    const from = (event: ReturnType<typeof eventFor>, headers: Record<string, string>) => {
      // API Gateway REST (v1) keeps the client's header case; the ALB and HTTP APIs lower-case names.
      const named =
        kind === 'apigw-v1' ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/(^|-)\w/g, (c) => c.toUpperCase()), v])) : headers;
      if (event.multiValueHeaders)
        event.multiValueHeaders = { ...event.multiValueHeaders, ...Object.fromEntries(Object.entries(named).map(([k, v]) => [k, [v]])) };
      else event.headers = { ...event.headers, ...named };
      return event;
    };

    it('answers a DELETE and its 404 with the CORS headers of an allowed origin', async () => {
      const id = await newItem();
      for (const expected of [200, 404]) {
        const result = await withCors()(from(eventFor(kind, `/picus/${id}`), { origin: 'http://localhost:5173' }));
        expect(result.statusCode).toBe(expected);
        expect(headerOf(result, 'access-control-allow-origin')).toBe('http://localhost:5173');
        expect(headerOf(result, 'access-control-expose-headers')).toContain('Retry-After');
        expect(headerOf(result, 'vary')).toBe('Origin');
      }
    });

    it('answers a preflight for DELETE, and gives another origin no CORS headers', async () => {
      const preflight = await withCors()(
        from(eventFor(kind, '/picus/abc', 'OPTIONS'), { origin: 'http://localhost:5173', 'access-control-request-method': 'DELETE' }),
      );
      expect(preflight.statusCode).toBe(204);
      expect(headerOf(preflight, 'access-control-allow-methods')).toBe('PUT, DELETE');
      const other = await withCors()(from(eventFor(kind, '/picus/abc'), { origin: 'https://evil.example' }));
      expect(headerOf(other, 'access-control-allow-origin')).toBeUndefined();
    });
  });

  describe.each(EVENT_KINDS)('with a %s event', (kind) => {
    it('deletes an item: 200 with the original message', async () => {
      const id = await newItem();
      const result = await handler(eventFor(kind, `/picus/${id}`));
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ message: `Item '${id}' deleted successfully` });
      expect(headerOf(result, 'content-type')).toBe('application/json');
      expect(result.isBase64Encoded).toBe(false);
      await expect(t.core.itemService.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('answers 404 with error and detail for a missing item', async () => {
      const result = await handler(eventFor(kind, '/picus/nope'));
      expect(result.statusCode).toBe(404);
      expect(JSON.parse(result.body)).toEqual({ error: "Item with id 'nope' not found", detail: "Item with id 'nope' not found", code: 'NOT_FOUND' });
    });

    it.each(['/picus/', '/picus/get/abc', '/picus/list/x', '/other/abc', '/picus', '/picus/abc/', '/PICUS/abc', '/picus/..'])(
      'answers 404 NOT_FOUND for %s, which the catalogue does not serve here, and deletes nothing',
      async (path) => {
        await t.core.itemStore.put({ id: 'get', data: { keep: true } });
        const result = await handler(eventFor(kind, path));
        expect(result.statusCode).toBe(404);
        expect(JSON.parse(result.body)).toMatchObject({ code: 'NOT_FOUND' });
        await expect(t.core.itemService.get('get')).resolves.toMatchObject({ id: 'get' });
      },
    );

    it('decodes the key once', async () => {
      await t.core.itemStore.put({ id: 'a b%20c', data: { x: 1 } });
      const result = await handler(eventFor(kind, '/picus/a%20b%2520c'));
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body).message).toBe("Item 'a b%20c' deleted successfully");
    });

    it('rejects a key over 2048 bytes with 400', async () => {
      const result = await handler(eventFor(kind, `/picus/${'k'.repeat(2049)}`));
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body).code).toBe('VALIDATION_FAILED');
    });

    it('answers other methods with 405', async () => {
      const result = await handler(eventFor(kind, '/picus/abc', 'GET'));
      expect(result.statusCode).toBe(405);
      expect(headerOf(result, 'allow')).toBe('DELETE');
    });
  });

  it('answers ALB events in the ALB response format', async () => {
    const result = await handler(eventFor('alb', '/picus/nope'));
    expect(result).toEqual({
      statusCode: 404,
      statusDescription: '404 Not Found',
      isBase64Encoded: false,
      headers: expect.any(Object),
      body: expect.any(String),
    });
    for (const value of Object.values(result.headers!)) expect(typeof value).toBe('string');
  });

  it('answers multi-value ALB events with multiValueHeaders only', async () => {
    const id = await newItem();
    const result = await handler(eventFor('alb-multi-value', `/picus/${id}`));
    expect(result.statusDescription).toBe('200 OK');
    expect(result.headers).toBeUndefined();
    expect(result.multiValueHeaders?.['content-type']).toEqual(['application/json']);
  });

  it('answers an empty event with 404 (no catalogued path in it; the original answered 400)', async () => {
    const result = await handler({} as HttpEvent);
    expect(result.statusCode).toBe(404);
  });

  it('deletes atomically: twenty concurrent DELETEs give one 200 and nineteen 404s', async () => {
    const id = await newItem();
    const results = await Promise.all(Array.from({ length: 20 }, () => handler(eventFor('alb', `/picus/${id}`))));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(19);
  });

  it('answers 503 with Retry-After when DynamoDB is unreachable (a real client against a closed port)', async () => {
    const core = createCore(
      loadConfig({
        NODE_ENV: 'test',
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
        DYNAMODB_MAX_ATTEMPTS: '2',
        DYNAMODB_CONNECT_TIMEOUT_MS: '500',
      }),
    );
    try {
      const down = createHandler({ itemService: core.itemService, logger: silentLogger() });
      const result = await down(eventFor('alb', '/picus/abc'));
      expect(result.statusCode).toBe(503);
      expect(JSON.parse(result.body)).toEqual({
        error: 'Failed to delete item from database',
        detail: 'Failed to delete item from database',
        code: 'DATABASE_UNAVAILABLE',
      });
      expect(headerOf(result, 'retry-after')).toBe('1');
    } finally {
      core.close();
    }
  });

  it('answers 500 without details when something unexpected fails', async () => {
    const broken = createHandler({
      itemService: { ...t.core.itemService, delete: () => Promise.reject(new Error('secret internals')) },
      logger: silentLogger(),
    });
    const result = await broken(eventFor('alb', '/picus/abc'));
    expect(result.statusCode).toBe(500);
    expect(result.statusDescription).toBe('500 Internal Server Error');
    expect(result.body).not.toContain('secret');
    expect(JSON.parse(result.body).error).toBe('Failed to delete item from database');
  });
});

describe('the bundled Lambda (dist/lambda/handler.js)', () => {
  let t: TestCore;
  let outdir: string;
  let bundle: Awaited<ReturnType<typeof bundleLambda>>;
  beforeAll(async () => {
    t = await startTestCore();
    outdir = mkdtempSync(join(tmpdir(), 'picus-lambda-'));
    bundle = await bundleLambda(outdir);
  });
  afterAll(async () => {
    rmSync(outdir, { recursive: true, force: true });
    await t.close();
  });

  it('is one file under 1 MB built from the Lambda, app/core, app/wire and the DynamoDB SDK, with no Express, Apollo, GraphQL or Lambda client inside', () => {
    expect(bundle.bytes).toBeLessThan(1024 * 1024);
    expect(statSync(bundle.zip).size).toBeGreaterThan(0);
    const packages = new Set(bundle.inputs.map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]).filter(Boolean));
    for (const banned of [
      'express',
      '@apollo/server',
      '@as-integrations/express5',
      'graphql',
      'body-parser',
      'helmet',
      '@aws-sdk/client-lambda',
      'redis',
      '@redis/client',
    ])
      expect([banned, packages.has(banned)]).toEqual([banned, false]);
    expect(packages).toContain('@aws-sdk/lib-dynamodb');
    // The core's Lambda adapter (GraphQL's deleteItem) is replaced by a stand-in: the function deletes through its store.
    expect(bundle.inputs).toEqual(expect.arrayContaining(['left-out:./aws/lambda-item-deleter', 'left-out:./changes/redis-change-bus']));
    const ours = bundle.inputs.filter((input) => !input.includes('node_modules') && !input.startsWith('left-out:'));
    expect(ours.filter((input) => !/^(lambda|app\/core|app\/wire)\//.test(input))).toEqual([]);
    expect(ours).not.toContain('app/core/aws/lambda-item-deleter.ts');
    expect(ours).toEqual(expect.arrayContaining(['lambda/handler.ts', 'app/core/items/item-service.ts', 'app/wire/errors.ts']));
  });

  it('deletes through a fresh Node process, logging JSON without the event', async () => {
    const id = (await t.core.itemService.create({ bundled: true })).id;
    const event = eventFor('alb', `/picus/${id}`);
    const script = `require(${JSON.stringify(bundle.handler)}).handler(${JSON.stringify(event)}, { awsRequestId: 'req-1' }).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, DYNAMODB_ENDPOINT: t.endpoint, DYNAMODB_TABLE_NAME: t.core.config.tableName, AWS_REGION: 'us-east-1', LOG_LEVEL: 'info' },
    });
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice(7)) as HttpResult;
    expect(result).toMatchObject({ statusCode: 200, statusDescription: '200 OK', isBase64Encoded: false });
    const logs = lines.filter((l) => !l.startsWith('RESULT ')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(
      expect.objectContaining({ service: 'picus-delete', msg: 'request', status: 200, traceId: '1-67891233-abcdef012345678912345678', requestId: 'req-1' }),
    );
    const logText = JSON.stringify(logs);
    expect(logText).not.toContain('user-agent');
    expect(logText).not.toContain(id);
  });
});
