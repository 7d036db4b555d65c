import { readFileSync } from 'node:fs';
import request from 'supertest';
import { parse } from 'yaml';
import { createApp } from '../../app/create-app';
import { OPENAPI_FILE } from '../../app/rest/openapi-router';
import { contractProblems } from '../support/openapi-contract';
import { startTestCore, type TestCore } from '../support/test-core';

const spec = parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, unknown>> };

describe('the published REST contract', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  it('serves the spec as JSON and as YAML, the same document', async () => {
    const { app } = await createApp({ core: t.core });
    const json = await request(app).get('/openapi.json');
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toEqual(spec);
    const yaml = await request(app).get('/openapi.yaml');
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
    expect(parse(yaml.text)).toEqual(spec);
  });

  it('serves the reference page and its assets outside production, and neither in production', async () => {
    const { app } = await createApp({ core: t.core });
    const page = await request(app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/docs/assets/swagger-ui-bundle.js');
    expect((await request(app).get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    const production = await startTestCore({ NODE_ENV: 'production', AUTH_MODE: 'off', LOG_LEVEL: 'silent' });
    try {
      const { app: prod } = await createApp({ core: production.core });
      expect((await request(prod).get('/docs')).status).toBe(404);
      expect((await request(prod).get('/openapi.json')).status).toBe(200);
    } finally {
      await production.close();
    }
  });

  it('has a contract check that catches an undocumented status, a missing header, a field off the schema', () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': 'r1' }) => ({
      method: 'GET',
      url: '/picus/get/abc',
      status,
      header: (name: string) => headers[name.toLowerCase()],
      body: JSON.stringify(body),
    });
    expect(contractProblems(res(200, { id: 'abc', data: {} }, { 'content-type': 'application/json', etag: '"1.x"' }))).toEqual([]);
    expect(contractProblems(res(418, {}))).toEqual(['GET /picus/get/abc -> 418: status 418 is not documented for GET /picus/get/{key}']);
    expect(contractProblems(res(200, { id: 'abc', data: {} }))).toEqual(['GET /picus/get/abc -> 200: header ETag is required']);
    expect(contractProblems(res(200, { id: 'abc', data: {}, secret: 1 }, { 'content-type': 'application/json', etag: '"1.x"' }))[0]).toMatch(
      /must NOT have additional properties/,
    );
    expect(contractProblems(res(404, { error: 'x' }))[0]).toMatch(/must have required property 'code'/);
    expect(contractProblems({ ...res(404, { error: 'Not found', code: 'NOT_FOUND' }), url: '/not/documented' })).toEqual([]);
    expect(contractProblems({ ...res(200, { secret: 1 }), url: '/picus/list/' })).toEqual([
      'GET /picus/list/ -> 200 (no operation of the contract): a request the contract does not describe was not refused',
    ]);
    expect(contractProblems({ ...res(404, { oops: true }), url: '/not/documented' })[0]).toMatch(/must have required property 'error'/);
    expect(contractProblems({ ...res(200, { data: {} }), url: '/graphql' })).toEqual([]);
  });
});
