/**
 * Post-deploy smoke test: creates its own item, reads it, checks that the
 * paginated list answers, reads the item over GraphQL, deletes it through the
 * ALB (the Lambda), checks it is gone and that a second delete is a 404, and
 * deletes it in any case on the way out, so it leaves nothing behind. Exits
 * non-zero on the first wrong status.
 *
 *   npx tsx scripts/smoke.ts https://app.example.com
 *   npx tsx scripts/smoke.ts http://localhost:8080     # against npm start (PICUS_TOKEN=$TOKEN, the token it printed)
 * PICUS_TOKEN, when set, is sent as the bearer token.
 */
import createClient from 'openapi-fetch';
import type { paths } from './__generated__/picus-api';

export async function smoke(
  baseUrl: string,
  log: (line: string) => void = () => undefined,
  token: string | undefined = process.env.PICUS_TOKEN,
): Promise<void> {
  // With tokens on, every call but /health carries one (picus/read, picus/write and picus/delete).
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const base = baseUrl.replace(/\/$/, '');
  // A client typed from openapi/picus.yaml (npm run generate): a route or field the contract lacks does not compile.
  const api = createClient<paths>({ baseUrl: base, headers: auth });
  const expect = (what: string, res: Response, expected: number, detail: unknown): void => {
    if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status}: ${JSON.stringify(detail ?? null).slice(0, 200)}`);
    log(`ok  ${what} -> ${res.status}`);
  };
  const timeout = () => AbortSignal.timeout(10_000);

  const health = await api.GET('/health', { signal: timeout() });
  expect('GET /health', health.response, 200, health.error);
  const marker = `smoke-${Date.now()}`;
  const created = await api.POST('/picus/put', { body: { smoke: marker }, signal: timeout() });
  expect('POST /picus/put', created.response, 201, created.error);
  const id = created.data!.id;
  const key = { params: { path: { key: id } }, signal: timeout() };
  let deleted = false;
  try {
    const item = await api.GET('/picus/get/{key}', key);
    expect('GET /picus/get/{key}', item.response, 200, item.error);
    if ((item.data?.data as { smoke?: string } | undefined)?.smoke !== marker) throw new Error(`GET returned other data: ${JSON.stringify(item.data)}`);
    const page = await api.GET('/picus/list', { params: { query: { limit: 1 } }, signal: timeout() });
    expect('GET /picus/list?limit=1', page.response, 200, page.error);
    // GraphQL is outside the REST contract: a plain request.
    const gqlRes = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($id: ID!) { item(id: $id) { id } }', variables: { id } }),
      signal: timeout(),
    });
    const gql = (await gqlRes.json()) as { data?: { item?: { id?: string } } };
    expect('POST /graphql', gqlRes, 200, gql);
    if (gql.data?.item?.id !== id) throw new Error(`GraphQL did not find the item: ${JSON.stringify(gql)}`);
    const del = await api.DELETE('/picus/{key}', key);
    expect('DELETE /picus/{key}', del.response, 200, del.error);
    deleted = true;
    if (!String(del.data?.message).includes(id)) throw new Error(`unexpected DELETE body: ${JSON.stringify(del.data)}`);
    const gone = await api.GET('/picus/get/{key}', key);
    expect('GET /picus/get/{key} (deleted)', gone.response, 404, gone.error);
    const again = await api.DELETE('/picus/{key}', key);
    expect('DELETE /picus/{key} (deleted)', again.response, 404, again.error);
  } finally {
    if (!deleted) await api.DELETE('/picus/{key}', key).catch(() => undefined);
  }
}

if (require.main === module) {
  const url = process.argv[2];
  if (!url) {
    process.stderr.write('usage: tsx scripts/smoke.ts <base-url>\n');
    process.exit(2);
  }
  smoke(url, (line) => process.stdout.write(`${line}\n`)).then(
    () => process.stdout.write('smoke test passed\n'),
    (error: unknown) => {
      process.stderr.write(`smoke test failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
