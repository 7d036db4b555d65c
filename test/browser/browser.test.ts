import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { parse } from 'yaml';
import { listen } from '../../app/http/listen';
import { OPENAPI_FILE } from '../../app/rest/openapi-router';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { freePort } from '../support/processes';

/**
 * A real browser (headless Chromium, Debian's package, driven by playwright-core) loads a frontend from a second
 * origin and calls the API through the local ALB: REST list (reading Link), put (reading Location), get, DELETE
 * through the Lambda, a GraphQL query and mutation with Apollo Client, and a subscription over Apollo's GraphQLWsLink
 * that sees another client's writes. Only the page origin is in CORS_ORIGINS;
 * the same page served from another origin must be refused everywhere. The test asserts what scripts could read.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('a browser frontend on another origin', () => {
  let stack: LocalStack;
  let pages: Server;
  let browser: Browser;
  let pagePort: number;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(__dirname, 'page/app.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    pages = createServer((req, res) => {
      if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>picus frontend</title><script src="/app.js"></script>');
    });
    pagePort = (await listen(pages, await freePort(), '127.0.0.1')).port;
    stack = await startLocalStack({ CORS_ORIGINS: `http://127.0.0.1:${pagePort}` });
    // One item already there, so the page's list of one has a next page (and a Link header) to read.
    await fetch(`${stack.alb.url}/picus/put`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seed":1}' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await new Promise((resolve) => pages?.close(resolve));
  });

  const run = async (origin: string) => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate((api) => window.picusChecks(api), stack.alb.url);
    } finally {
      await page.close();
    }
  };

  it("reads every route's answer and the headers it needs, from the allowed origin", async () => {
    const out = await run(`http://127.0.0.1:${pagePort}`);
    const id = (out.put!.body as { id: string }).id;
    expect(out.put).toMatchObject({ status: 201, location: `/picus/get/${id}` });
    expect(out.put!['x-request-id']).toMatch(/\S+/);
    expect(out.get).toMatchObject({ status: 200, body: { id, data: { from: 'browser' } } });
    expect(out.list).toMatchObject({ status: 200 });
    expect(out.list!.link).toMatch(/^<\/picus\/list\?limit=1&cursor=[^>]+>; rel="next"$/);
    expect(out.graphqlQuery).toEqual({ data: { item: { __typename: 'Item', id, data: { from: 'browser' } } } });
    expect(out.graphqlMutation).toMatchObject({ data: { createItem: { __typename: 'Item', data: { from: 'apollo' } } } });
    expect(out.delete).toMatchObject({ status: 200, body: { message: `Item '${id}' deleted successfully` } });
    expect(out.delete!['x-request-id']).toBeNull(); // the Lambda sends none; the service does
    expect(out.deleteAgain).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(out.deleteCreated).toMatchObject({ status: 200 });
  }, 60_000);

  it("sees, with Apollo Client's GraphQLWsLink, an item another client creates, updates and deletes", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${pagePort}/`);
      const watched = page.evaluate((api) => window.picusWatch(api, 3), stack.alb.url);
      await page.waitForFunction(() => window.picusWatching === true);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the subscribe message reaches the service
      const json = { 'content-type': 'application/json' };
      const { id } = (await (await fetch(`${stack.alb.url}/picus/put`, { method: 'POST', headers: json, body: '{"by":"node"}' })).json()) as { id: string };
      await fetch(`${stack.alb.url}/picus/${id}`, { method: 'PUT', headers: { ...json, 'if-match': '*' }, body: '{"by":"node","n":2}' });
      await fetch(`${stack.alb.url}/picus/${id}`, { method: 'DELETE' });
      expect(await watched).toEqual({
        changes: [
          { kind: 'CREATED', id, version: 1 },
          { kind: 'UPDATED', id, version: 2 },
          { kind: 'DELETED', id, version: null },
        ],
      });
    } finally {
      await page.close();
    }
  }, 60_000);

  it('cannot open the subscription WebSocket from an origin not in CORS_ORIGINS', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://localhost:${pagePort}/`);
      const watched = await page.evaluate((api) => window.picusWatch(api, 1), stack.alb.url);
      expect(watched.changes).toEqual([]);
      expect(watched.error).toBeDefined();
    } finally {
      await page.close();
    }
  }, 60_000);

  it('is refused on every call from an origin not in CORS_ORIGINS', async () => {
    const out = await run(`http://localhost:${pagePort}`);
    for (const step of ['put', 'get', 'list', 'graphqlQuery', 'graphqlMutation', 'delete', 'deleteAgain']) {
      expect([step, typeof out[step]?.refused]).toEqual([step, 'string']);
    }
  }, 60_000);

  it('shows the API reference at /docs, listing every operation, and its "Try it out" reaches the service', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${stack.alb.url}/docs`);
      await page.waitForSelector('.opblock', { timeout: 20_000 });
      const operations = await page.$$eval('.opblock-summary', (rows) => rows.map((r) => r.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
      const spec = parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
      expect(operations.length).toBe(Object.values(spec.paths).flatMap((ops) => Object.keys(ops)).length);
      for (const wanted of ['GET/health', 'GET/picus/list', 'POST/picus/put', 'GET/picus/get/{key}', 'PUT/picus/{key}', 'DELETE/picus/{key}']) {
        expect([wanted, operations.some((o) => o.replace(/ /g, '').startsWith(wanted))]).toEqual([wanted, true]);
      }
      await page.click('#operations-operations-health .opblock-summary');
      // The page opens with "Try it out" on (tryItOutEnabled): one click on Execute sends the request.
      await page.click('#operations-operations-health .execute');
      const status = await page.waitForSelector('#operations-operations-health .live-responses-table tbody .response-col_status', { timeout: 10_000 });
      expect((await status.textContent())?.trim()).toBe('200');
      expect(await page.textContent('#operations-operations-health .live-responses-table')).toContain('healthy');
    } finally {
      await page.close();
    }
  }, 60_000);
});
