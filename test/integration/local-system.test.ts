import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalSystemOptions } from '../../local/options';
import { LOCAL_CLIENT } from '../../local/issuer';
import { startLocalSystem, type LocalSystem } from '../../local/system';
import { BASE_ENV, connectionRefused } from '../support/processes';

/** What `npm start` does, as the function it calls: every part started, tokens required, everything stopped. */
describe('startLocalSystem (npm start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'picus-local-system-'));
  let system: LocalSystem;
  beforeAll(async () => {
    const env = { ...BASE_ENV, PICUS_DATA_DIR: dataDir, ALB_PORT: '0', ISSUER_PORT: '0', LOG_LEVEL: 'silent' };
    system = await startLocalSystem({ env, ...loadLocalSystemOptions(env), servicePort: 0 });
  });
  afterAll(async () => {
    await system?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps its data on disk under PICUS_DATA_DIR, in an embedded DynamoDB with the table created', async () => {
    expect(system.dynamo).toBeDefined();
    expect(readdirSync(join(dataDir, 'dynamodb')).length).toBeGreaterThan(0);
    await expect(system.core.itemService.ping()).resolves.toBeUndefined();
  });

  it('refuses a request without a token at the ALB, and serves REST, GraphQL and the DELETE Lambda with one from its issuer', async () => {
    expect((await fetch(`${system.alb.url}/picus/list`)).status).toBe(401);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const basic = Buffer.from(`${LOCAL_CLIENT.id}:${LOCAL_CLIENT.secret}`).toString('base64');
    const minted = await fetch(system.issuer!.tokenUrl, { method: 'POST', body: form, headers: { authorization: `Basic ${basic}` } });
    const { access_token: token } = (await minted.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const put = await fetch(`${system.alb.url}/picus/put`, { method: 'POST', headers: auth, body: JSON.stringify({ local: true }) });
    expect(put.status).toBe(201);
    const { id } = (await put.json()) as { id: string };
    const gql = await fetch(`${system.alb.url}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify({ query: `{ item(id: "${id}") { data } }` }) });
    expect(await gql.json()).toEqual({ data: { item: { data: { local: true } } } });
    const deleted = await fetch(`${system.alb.url}/picus/${id}`, { method: 'DELETE', headers: auth });
    expect(deleted.status).toBe(200);
    expect(system.lambdaApi.invocations()).toBe(0); // REST DELETE reaches the handler through the ALB, not the Invoke API
    expect((await fetch(`${system.alb.url}/picus/get/${id}`, { headers: auth })).status).toBe(404);
  });

  it('prints where every part listens, each address one that answers', async () => {
    const banner = await system.banner();
    const where = (label: string) => new RegExp(`^  ${label} +(\\S+)`, 'm').exec(banner)?.[1];
    const alb = system.alb.url.replace('127.0.0.1', 'localhost');
    expect({ alb: where('ALB'), service: where('service'), graphql: where('GraphQL'), dynamodb: where('DynamoDB'), issuer: where('Issuer') }).toEqual({
      alb,
      service: system.service.url,
      graphql: `${alb}/graphql`,
      dynamodb: system.config.dynamodbEndpoint,
      issuer: system.issuer!.url,
    });
    expect(banner).toContain(`table ${system.config.tableName} (embedded)`);
    expect((await fetch(`${where('ALB')}/health`)).status).toBe(200);
    expect((await fetch(`${where('service')}/health`)).status).toBe(200);
    expect((await fetch(`${where('Issuer')}/.well-known/openid-configuration`)).status).toBe(200);
    await expect(system.core.itemService.ping()).resolves.toBeUndefined(); // the DynamoDB the banner names is the one in use
  });

  it('prints a token that works when asked for one (a terminal), and none otherwise', async () => {
    expect(await system.banner()).not.toMatch(/export TOKEN=ey/);
    const banner = await system.banner({ token: true });
    const token = /export TOKEN=(\S+)/.exec(banner)![1]!;
    expect((await fetch(`${system.alb.url}/picus/list`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('stops every listener on close', async () => {
    // Plain sockets, not fetch: the contract check wraps fetch in this tier and would throw on any undocumented answer.
    const ports = [system.alb.url, system.service.url, system.issuer!.url, system.lambdaApi.url].map((url) => Number(new URL(url).port));
    for (const port of ports) expect([port, await connectionRefused(port)]).toEqual([port, false]);
    await system.close();
    for (const port of ports) expect([port, await connectionRefused(port)]).toEqual([port, true]);
    system = undefined as unknown as LocalSystem;
  });
});

describe('loadLocalSystemOptions', () => {
  it('defaults to .data, the ALB on 8080, the issuer on 8090, any free port for the rest', () => {
    expect(loadLocalSystemOptions({})).toEqual({ dataDir: '.data', dynamodbPort: 0, albPort: 8080, issuerPort: 8090, lambdaPort: 0, host: '127.0.0.1' });
    expect(loadLocalSystemOptions({ PICUS_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('keeps nothing on disk with PICUS_DATA_DIR=memory, and names every bad port at once', () => {
    expect(loadLocalSystemOptions({ PICUS_DATA_DIR: 'memory' }).dataDir).toBeUndefined();
    expect(() => loadLocalSystemOptions({ ALB_PORT: 'x', DYNAMODB_PORT: '70000' })).toThrow(/DYNAMODB_PORT must be an integer.*ALB_PORT must be an integer/);
  });
});
