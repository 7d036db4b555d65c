/**
 * The frontend of the browser test: what a tool on another origin does with the API, with fetch and with
 * Apollo Client, recording only what its scripts can read (statuses, bodies, the exposed headers). A call the
 * browser refuses (CORS) is recorded as { refused: message }.
 */
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';

type Result = Record<string, unknown>;

declare global {
  interface Window {
    picusChecks(api: string): Promise<Record<string, Result>>;
    /** Subscribes with Apollo Client's GraphQLWsLink and resolves with the first `count` changes (or the error). */
    picusWatch(api: string, count: number): Promise<{ changes: { kind: string; id: string; version: number | null }[]; error?: string }>;
    /** Set once the subscription is acknowledged: the test then writes. */
    picusWatching?: boolean;
  }
}

window.picusWatch = (api, count) =>
  new Promise((resolve) => {
    const changes: { kind: string; id: string; version: number | null }[] = [];
    const ws = createClient({ url: `${api.replace(/^http/, 'ws')}/graphql`, retryAttempts: 0, on: { connected: () => (window.picusWatching = true) } });
    const apollo = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
    const done = (error?: string) => {
      subscription.unsubscribe();
      void ws.dispose();
      resolve({ changes, error });
    };
    const subscription = apollo
      .subscribe({
        query: gql`
          subscription Watch {
            itemChanged {
              kind
              id
              version
            }
          }
        `,
      })
      .subscribe({
        next: (result) => {
          // Apollo Client 4 delivers a failure as a result with `error` (the socket refused, closed, or a GraphQL error).
          const failure = (result as { error?: { message?: string } }).error;
          if (failure || !result.data) return done(String(failure?.message ?? 'no data'));
          const change = (result.data as { itemChanged: { kind: string; id: string; version: number | null } }).itemChanged;
          changes.push({ kind: change.kind, id: change.id, version: change.version });
          if (changes.length === count) done();
        },
        error: (error: unknown) => done(String(error instanceof Error ? error.message : JSON.stringify(error))),
      });
  });

window.picusChecks = async (api) => {
  const out: Record<string, Result> = {};
  const step = async (name: string, run: () => Promise<Result>) => {
    try {
      out[name] = await run();
    } catch (error) {
      out[name] = { refused: String(error) };
    }
  };
  const read = async (res: Response, ...headers: string[]): Promise<Result> => ({
    status: res.status,
    body: await res.json(),
    ...Object.fromEntries(headers.map((h) => [h, res.headers.get(h)])),
  });
  const json = { 'content-type': 'application/json' };

  await step('put', async () =>
    read(await fetch(`${api}/picus/put`, { method: 'POST', headers: json, body: JSON.stringify({ from: 'browser' }) }), 'location', 'x-request-id'),
  );
  const id = (out.put?.body as { id?: string } | undefined)?.id ?? 'none';
  await step('get', async () => read(await fetch(`${api}/picus/get/${id}`)));
  await step('list', async () => read(await fetch(`${api}/picus/list?limit=1`), 'link'));

  const apollo = new ApolloClient({ link: new HttpLink({ uri: `${api}/graphql` }), cache: new InMemoryCache() });
  // What a frontend's Apollo Client sends, each through the client's own link: a query, then a mutation.
  const query = gql`
    query Item($id: ID!) {
      item(id: $id) {
        id
        data
      }
    }
  `;
  const mutation = gql`
    mutation Create($data: JSONObject!) {
      createItem(data: $data) {
        id
        data
      }
    }
  `;
  await step('graphqlQuery', async () => ({ data: (await apollo.query({ query, variables: { id } })).data }));
  await step('graphqlMutation', async () => ({ data: (await apollo.mutate({ mutation, variables: { data: { from: 'apollo' } } })).data }));

  await step('delete', async () => read(await fetch(`${api}/picus/${id}`, { method: 'DELETE' }), 'x-request-id'));
  await step('deleteAgain', async () => read(await fetch(`${api}/picus/${id}`, { method: 'DELETE' })));
  const created = (out.graphqlMutation?.data as { createItem?: { id: string } } | undefined)?.createItem?.id;
  if (created) await step('deleteCreated', async () => read(await fetch(`${api}/picus/${created}`, { method: 'DELETE' })));
  return out;
};
