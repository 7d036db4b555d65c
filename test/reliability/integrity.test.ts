/**
 * Concurrency and data integrity over real sockets, through the local ALB:
 * one winner among concurrent DELETEs, no lost or mixed-up item among
 * concurrent puts, and every JSON value DynamoDB can hold coming back the
 * same, byte for byte, whichever API wrote it and whichever reads it. "The
 * same" is the sent JSON with its object keys in canonical order: DynamoDB
 * maps are unordered, so the service fixes one order (see canonicalJson).
 */
import { Agent } from 'node:http';
import fc from 'fast-check';
import type { LocalAlb } from '../../local/alb';
import { sortedJson } from '../support/json';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { send, statusCounts } from '../support/load';

let stack: LocalStack;
let alb: LocalAlb;
const agent = new Agent({ keepAlive: true, maxSockets: 200 });

beforeAll(async () => {
  stack = await startLocalStack();
  ({ alb } = stack);
});
afterAll(async () => {
  agent.destroy();
  await stack.close();
});

const post = (path: string, body: unknown) => send(alb.url, { method: 'POST', path, body: JSON.stringify(body) }, { agent });
const graphql = async (query: string, variables: Record<string, unknown>) => {
  const result = await post('/graphql', { query, variables });
  return JSON.parse(result.body) as { data?: Record<string, unknown>; errors?: unknown[] };
};

describe('concurrency', () => {
  it('20 concurrent DELETEs of one item through the ALB and the Lambda: exactly one 200, nineteen 404', async () => {
    const created = JSON.parse((await post('/picus/put', { doomed: true })).body) as { id: string };
    const results = await Promise.all(Array.from({ length: 20 }, () => send(alb.url, { method: 'DELETE', path: `/picus/${created.id}` }, { agent })));
    expect(statusCounts(results)).toEqual({ 200: 1, 404: 19 });
    expect((await send(alb.url, { method: 'GET', path: `/picus/get/${created.id}` }, { agent })).status).toBe(404);
  });

  it('1000 concurrent puts: 1000 distinct ids, each readable with byte-identical data over REST and GraphQL', async () => {
    const payloads = Array.from({ length: 1000 }, (_, i) => ({
      i,
      text: `élément ${i} 🦄 ${'ß'.repeat(i % 17)}`,
      n: i / 7,
      nested: { list: [i, `${i}`, null, true], deep: { k: -i } },
    }));
    const results = await Promise.all(payloads.map((data) => post('/picus/put', data)));
    expect(statusCounts(results)).toEqual({ 201: 1000 });
    const ids = results.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(new Set(ids).size).toBe(1000);

    const viaGraphql = await graphql('query($ids: [ID!]!) { itemsByIds(ids: $ids) { id data } }', { ids });
    const items = viaGraphql.data!.itemsByIds as { id: string; data: unknown }[];
    expect(items.map((item) => item.id)).toEqual(ids);
    expect(items.map((item) => JSON.stringify(item.data))).toEqual(payloads.map(sortedJson));

    const viaRest = await Promise.all(ids.map((id) => send(alb.url, { method: 'GET', path: `/picus/get/${id}` }, { agent })));
    expect(viaRest.map((r) => JSON.stringify((JSON.parse(r.body) as { data: unknown }).data))).toEqual(payloads.map(sortedJson));
  });
});

// Every JSON value DynamoDB can store: numbers in its range, well-formed Unicode (astral included), nesting within 32 levels.
const key = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__');
const number = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -9.9e125, max: 9.9e125 }).filter((n) => n === 0 || Math.abs(n) >= 1e-130),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    number,
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
}));
const data = fc.dictionary(key, value, { minKeys: 1, maxKeys: 8 });

/** A REST item body as the service writes it, built from the data's expected text, to compare the raw bytes. */
const restBody = (id: string, createdAt: string, dataText: string): string =>
  `{"createdAt":${JSON.stringify(createdAt)},"data":${dataText},"id":${JSON.stringify(id)}}`;
const getRaw = (id: string) => send(alb.url, { method: 'GET', path: `/picus/get/${id}` }, { agent });
const graphqlRaw = (id: string) => post('/graphql', { query: 'query($id: ID!) { item(id: $id) { data } }', variables: { id } });

describe('round trips', () => {
  it('written over REST, read over REST and GraphQL: the same JSON, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(data, async (sent) => {
        const text = sortedJson(sent);
        const created = await send(alb.url, { method: 'POST', path: '/picus/put', body: JSON.stringify(sent) }, { agent });
        expect(created.status).toBe(201);
        const { id } = JSON.parse(created.body) as { id: string };
        const rest = await getRaw(id);
        const { createdAt } = JSON.parse(rest.body) as { createdAt: string };
        expect(rest.body).toBe(restBody(id, createdAt, text));
        expect((await graphqlRaw(id)).body).toBe(`{"data":{"item":{"data":${text}}}}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('written over GraphQL, read over REST: the same JSON, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(data, async (sent) => {
        const created = await graphql('mutation($data: JSONObject!) { createItem(data: $data) { id createdAt data } }', { data: sent });
        expect(created.errors).toBeUndefined();
        const item = created.data!.createItem as { id: string; createdAt: string; data: unknown };
        expect(JSON.stringify(item.data)).toBe(sortedJson(sent));
        expect((await getRaw(item.id)).body).toBe(restBody(item.id, item.createdAt, sortedJson(sent)));
      }),
      { numRuns: 300 },
    );
  });
});
