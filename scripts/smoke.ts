/**
 * Post-deploy smoke test: creates its own item, reads it, finds it through the
 * paginated list, reads it over GraphQL, deletes it through the ALB (the
 * Lambda), checks it is gone, and deletes it in any case on the way out, so it
 * leaves nothing behind. Exits non-zero on the first wrong status.
 *
 *   npx tsx scripts/smoke.ts https://app.example.com
 *   npx tsx scripts/smoke.ts http://localhost:8080     # against npm start (PICUS_TOKEN=$TOKEN, the token it printed)
 * PICUS_TOKEN, when set, is sent as the bearer token.
 */

export async function smoke(baseUrl: string, log: (line: string) => void = () => undefined, token: string | undefined = process.env.PICUS_TOKEN): Promise<void> {
  // With tokens on, every call but /health carries one (picus/read, picus/write and picus/delete).
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const base = baseUrl.replace(/\/$/, '');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field below
  const call = async (method: string, path: string, expected: number, body?: unknown): Promise<any> => {
    const res = await fetch(base + path, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${text.slice(0, 200)}`);
    log(`ok  ${method} ${path} -> ${res.status}`);
    return text ? JSON.parse(text) : undefined;
  };

  const marker = `smoke-${Date.now()}`;
  await call('GET', '/health', 200);
  const { id } = (await call('POST', '/picus/put', 201, { smoke: marker })) as { id: string };
  let deleted = false;
  try {
    const item = await call('GET', `/picus/get/${encodeURIComponent(id)}`, 200);
    if (item.data?.smoke !== marker) throw new Error(`GET returned other data: ${JSON.stringify(item)}`);
    await call('GET', '/picus/list?limit=1', 200);
    const gql = await call('POST', '/graphql', 200, { query: 'query($id: ID!) { item(id: $id) { id } }', variables: { id } });
    if (gql.data?.item?.id !== id) throw new Error(`GraphQL did not find the item: ${JSON.stringify(gql)}`);
    const del = await call('DELETE', `/picus/${encodeURIComponent(id)}`, 200);
    deleted = true;
    if (!String(del.message).includes(id)) throw new Error(`unexpected DELETE body: ${JSON.stringify(del)}`);
    await call('GET', `/picus/get/${encodeURIComponent(id)}`, 404);
    await call('DELETE', `/picus/${encodeURIComponent(id)}`, 404);
  } finally {
    if (!deleted) await fetch(`${base}/picus/${encodeURIComponent(id)}`, { method: 'DELETE', headers: auth }).catch(() => undefined);
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
