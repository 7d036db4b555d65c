/**
 * Lost updates, looked for: N clients increment one counter item by read-modify-write, half over REST (ETag and
 * If-Match) and half over GraphQL (version and expectedVersion), retrying on 412 / CONFLICT, all at once through
 * the local ALB. At the end the item's version must be 1 + the acknowledged updates, and its count equal to them:
 * no acknowledged update lost, none applied twice.
 */
import { startLocalStack, type LocalStack } from '../support/local-stack';

const CLIENTS = 8;
const INCREMENTS = 15;

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(() => stack.close());

const json = { 'content-type': 'application/json' };

it(`keeps every acknowledged update of ${CLIENTS} concurrent read-modify-write clients`, async () => {
  const base = stack.alb.url;
  const { id } = (await (await fetch(`${base}/picus/put`, { method: 'POST', headers: json, body: '{"count":0}' })).json()) as { id: string };
  let acknowledged = 0;
  let conflicts = 0;

  const overRest = async (): Promise<void> => {
    for (;;) {
      const got = await fetch(`${base}/picus/get/${id}`);
      const { data } = (await got.json()) as { data: { count: number } };
      const put = await fetch(`${base}/picus/${id}`, {
        method: 'PUT',
        headers: { ...json, 'if-match': got.headers.get('etag')! },
        body: JSON.stringify({ count: data.count + 1 }),
      });
      await put.text();
      if (put.status === 200) return void (acknowledged += 1);
      if (put.status !== 412) throw new Error(`PUT answered ${put.status}`);
      conflicts += 1;
    }
  };
  const gql = async (query: string, variables: Record<string, unknown>) =>
    (await (await fetch(`${base}/graphql`, { method: 'POST', headers: json, body: JSON.stringify({ query, variables }) })).json()) as any;
  const overGraphQL = async (): Promise<void> => {
    for (;;) {
      const { data } = await gql('query($id: ID!) { item(id: $id) { version data } }', { id });
      const result = await gql('mutation($id: ID!, $data: JSONObject!, $v: Int!) { updateItem(id: $id, data: $data, expectedVersion: $v) { version } }', {
        id,
        data: { count: data.item.data.count + 1 },
        v: data.item.version,
      });
      if (result.data?.updateItem) return void (acknowledged += 1);
      if (result.errors?.[0]?.extensions?.code !== 'CONFLICT') throw new Error(`updateItem answered ${JSON.stringify(result)}`);
      conflicts += 1;
    }
  };

  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; i < INCREMENTS; i += 1) await (client % 2 === 0 ? overRest() : overGraphQL());
    }),
  );

  const final = (await (await fetch(`${base}/picus/get/${id}`)).json()) as { data: { count: number } };
  const { data } = await gql('query($id: ID!) { item(id: $id) { version } }', { id });
  process.stdout.write(
    `optimistic concurrency: ${CLIENTS} clients, ${acknowledged} acknowledged updates, ${conflicts} conflicts retried, final count ${final.data.count}, version ${data.item.version}\n`,
  );
  expect(acknowledged).toBe(CLIENTS * INCREMENTS);
  expect(final.data.count).toBe(acknowledged);
  expect(data.item.version).toBe(1 + acknowledged);
}, 120_000);
