/**
 * `npm run bench`: our service, GraphQL API and DELETE Lambda against a floor
 * measured side by side in the same run (see docs/benchmarks.md).
 *
 * Every scenario is run against the floor and against ours in turn, in
 * BENCH_ROUNDS rounds (order swapped each round), and the medians are kept:
 * first each alone, as fast as it answers (throughput, autocannon), then both
 * at once, paced at one fixed rate (CPU time per request, latency, DynamoDB
 * calls). The server's own CPU time per request is the main figure, and its
 * ratio to the floor's is taken within each round, side by side: on a shared,
 * noisy machine that ratio moves far less than any absolute figure.
 *
 * The servers run on the last core (taskset), the load generator and dynalite
 * on the others, so a server's CPU time is its own work.
 *
 * Environment: BENCH_ROUNDS (5), BENCH_SECONDS per run (4), BENCH_CONNECTIONS (10),
 * BENCH_LIST_ITEMS (100000), BENCH_DELETES per run (3000), BENCH_ONLY (a regular
 * expression choosing scenarios by name; "list" and "cold" choose the last two
 * parts; results then go to results.local.json), BENCH_PROFILE=1 writes CPU
 * profiles of the service and the floor to dist/bench/profiles/ (Chrome DevTools opens them).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, destroyDocumentClient } from '../../app/core/aws/dynamodb';
import { loadConfig } from '../../app/core/config';
import { ensureItemTable } from '../../local/item-table';
import { etagOf } from '../../app/wire/etag';
import { LOCAL_AUDIENCE, LOCAL_CLIENT, startLocalIssuer } from '../../local/issuer';
import { freePort } from '../../test/support/processes';
import { measureLambdaColdStart, type ColdStartResult } from './lambda-cold-start';
import { cpuNs, median, pace, rssBytes, saturate, type Target } from './measure';
import { formatReport, withResults } from './report';
import { bundleBenchProcesses, pinning, productionNodeOptions, startAlb, startDynamo, startFloor, startService, type Dynamo, type Proc } from './stack';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LIST_ITEMS = Number(process.env.BENCH_LIST_ITEMS ?? 100_000);
const DELETES = Number(process.env.BENCH_DELETES ?? 3000);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined;
const chosen = (name: string): boolean => !ONLY || ONLY.test(name);
// Named once: BENCH_ONLY picks scenarios by name, and the items each delete scenario needs are seeded by the same test.
const GRAPHQL_DELETE_SCENARIO = 'GraphQL deleteItem (service → Lambda invoke → DeleteItem)';
const REST_DELETE_SCENARIO = 'DELETE /picus/{id} via local ALB → Lambda';
const WARMUP_SECONDS = 3;
const WARMUP_DELETES = 500;
/**
 * CPU and latency are measured with both sides loaded at once, each at this
 * share of the slower side's throughput, so the two together keep their
 * shared core below saturation.
 */
const RATE_SHARE = 0.35;
const TABLE = 'picus-bench';
const LARGE_TABLE = 'picus-bench-large';
const RESULTS = join(__dirname, ONLY ? 'results.local.json' : 'results.json');
const BENCHMARKS_DOC = join(__dirname, '..', '..', 'docs', 'benchmarks.md');

/** A representative item: a few scalars, a list and a nested map, about 170 bytes of JSON. */
const sampleData = (i: number) => ({
  name: `picus ${i}`,
  score: i / 7,
  active: i % 2 === 0,
  tags: ['alpha', 'beta', `t${i % 10}`],
  profile: { city: 'İzmir', visits: i, history: [1, 2, 3] },
});

const ITEM = 'query Item($id: ID!) { item(id: $id) { id data createdAt } }';
const ITEMS = 'query Items($ids: [ID!]!) { itemsByIds(ids: $ids) { id data createdAt } }';
const CREATE = 'mutation Create($data: JSONObject!) { createItem(data: $data) { id createdAt } }';
const DELETE = 'mutation Delete($id: ID!) { deleteItem(id: $id) { id data } }';
const gql = (query: string, variables: Record<string, unknown>): string => JSON.stringify({ query, variables });

export interface Side {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  dynamoCallsPerRequest: Record<string, number>;
  failures: number;
}

export interface ScenarioResult {
  name: string;
  floorLabel: string;
  /** The fixed rate (req/s) at which CPU and latency were measured on both sides. */
  rate: number;
  ours: Side;
  floor: Side;
  /** Our CPU per request over the floor's: the median of the ratios measured side by side in each round. */
  cpuRatio: number;
}

export interface ListResult {
  items: number;
  ours: { seconds: number; itemsPerSecond: number; peakRssGrowthMiB: number };
  floor: { seconds: number; itemsPerSecond: number };
  throughputRatio: number;
}

export interface BenchReport {
  date: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; dynamodb: string; pinned: boolean };
  settings: Record<string, number>;
  /** Given to the service and the floor alike, as ECS gives it to the service. */
  nodeOptions: string;
  scenarios: ScenarioResult[];
  batching?: Record<string, Record<string, number>>;
  list?: ListResult;
  coldStart?: ColdStartResult;
  coldStartWithAuth?: ColdStartResult;
  targets: { name: string; value: number; limit: number; met: boolean }[];
  failedRequests: number;
  durationSeconds: number;
}

type Spec = Target & { proc: Proc };

interface Scenario {
  name: string;
  floorLabel: string;
  ours: () => Spec;
  floor: () => Spec;
  /** Runs of a fixed number of requests (each DELETE needs an item of its own) rather than of a fixed time. */
  byAmount?: boolean;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

// ---- data --------------------------------------------------------------------

async function seed(endpoint: string, table: string, items: { id: string; data: unknown }[]): Promise<void> {
  const doc = createDocumentClient(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: endpoint }));
  const createdAt = new Date().toISOString();
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const worker = async (): Promise<void> => {
    for (let batch = batches.pop(); batch; batch = batches.pop()) {
      let requests = batch.map((item) => ({ PutRequest: { Item: { ...item, createdAt } } }));
      while (requests.length > 0) {
        const result = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  destroyDocumentClient(doc);
}

// ---- measuring -----------------------------------------------------------------

/** As fast as the server answers, alone on its core: throughput. */
async function throughput(spec: Spec, byAmount: boolean): Promise<number> {
  const result = await saturate(spec, { connections: CONNECTIONS, ...(byAmount ? { amount: DELETES } : { seconds: SECONDS }) });
  if (result.failures > 0) throw new Error(`${spec.proc.name} ${spec.method}: ${result.failures} failed requests`);
  return result.rps;
}

/**
 * Both sides at once, each paced at the same fixed rate, on the same core:
 * CPU time per request, latency, DynamoDB calls per request. Measured side by
 * side, the two see the same moment of a noisy shared machine; and CPU per
 * request depends on load (more work per event-loop turn under more load), so
 * both are held to one rate.
 */
async function sideBySide(
  dynamo: Dynamo,
  specs: Record<'ours' | 'floor', Spec>,
  rate: number,
  byAmount: boolean,
): Promise<Record<'ours' | 'floor', Omit<Side, 'rps'>>> {
  const count = byAmount ? Math.min(Math.round(rate * SECONDS), DELETES) : Math.round(rate * SECONDS);
  await dynamo.takeCounts();
  const before = { ours: cpuNs(specs.ours.proc.pid), floor: cpuNs(specs.floor.proc.pid) };
  const [ours, floor] = await Promise.all([
    pace(specs.ours, { rate, count, connections: CONNECTIONS }),
    pace(specs.floor, { rate, count, connections: CONNECTIONS }),
  ]);
  const cpu = { ours: cpuNs(specs.ours.proc.pid) - before.ours, floor: cpuNs(specs.floor.proc.pid) - before.floor };
  const counts = await dynamo.takeCounts();
  const side = (name: 'ours' | 'floor', result: typeof ours): Omit<Side, 'rps'> => ({
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuUsPerRequest: cpu[name] / 1000 / result.requests,
    dynamoCallsPerRequest: Object.fromEntries(Object.entries(counts[name]).map(([op, n]) => [op, round(n / result.requests, 2)])),
    failures: result.failures,
  });
  return { ours: side('ours', ours), floor: side('floor', floor) };
}

function medianSide(sides: Side[]): Side {
  const pick = (key: 'rps' | 'p50Ms' | 'p99Ms' | 'cpuUsPerRequest') => median(sides.map((s) => s[key]));
  return {
    rps: pick('rps'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    cpuUsPerRequest: pick('cpuUsPerRequest'),
    dynamoCallsPerRequest: sides[sides.length - 1]!.dynamoCallsPerRequest,
    failures: sides.reduce((sum, s) => sum + s.failures, 0),
  };
}

async function runScenarios(dynamo: Dynamo, scenarios: Scenario[], log: (message: string) => void): Promise<ScenarioResult[]> {
  // Warm every path of both servers (JIT, sockets, heap) before anything counts.
  for (const scenario of scenarios) {
    for (const side of ['floor', 'ours'] as const) {
      const spec = scenario[side]();
      await saturate(spec, { connections: CONNECTIONS, ...(scenario.byAmount ? { amount: WARMUP_DELETES } : { seconds: WARMUP_SECONDS }) });
    }
  }
  const runs = new Map(scenarios.map((s) => [s.name, { ours: [] as Side[], floor: [] as Side[], rates: [] as number[], ratios: [] as number[] }]));
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const scenario of scenarios) {
      // The order alternates between rounds, so drift on the machine favours neither side.
      const order = r % 2 === 0 ? (['floor', 'ours'] as const) : (['ours', 'floor'] as const);
      const rps = { floor: 0, ours: 0 };
      for (const side of order) rps[side] = await throughput(scenario[side](), scenario.byAmount ?? false);
      const rate = Math.max(20, Math.round(RATE_SHARE * Math.min(rps.floor, rps.ours)));
      const measured = await sideBySide(dynamo, { ours: scenario.ours(), floor: scenario.floor() }, rate, scenario.byAmount ?? false);
      const entry = runs.get(scenario.name)!;
      entry.rates.push(rate);
      entry.ours.push({ rps: rps.ours, ...measured.ours });
      entry.floor.push({ rps: rps.floor, ...measured.floor });
      entry.ratios.push(measured.ours.cpuUsPerRequest / measured.floor.cpuUsPerRequest);
      log(
        `round ${r + 1}/${ROUNDS} ${scenario.name}: ${rps.ours.toFixed(0)} req/s (floor ${rps.floor.toFixed(0)}); at ${rate} req/s ` +
          `${measured.ours.cpuUsPerRequest.toFixed(0)} µs CPU/req (floor ${measured.floor.cpuUsPerRequest.toFixed(0)}), ×${entry.ratios.at(-1)!.toFixed(2)}`,
      );
    }
  }
  return scenarios.map((scenario) => {
    const { ours, floor, rates, ratios } = runs.get(scenario.name)!;
    return {
      name: scenario.name,
      floorLabel: scenario.floorLabel,
      rate: median(rates),
      ours: medianSide(ours),
      floor: medianSide(floor),
      cpuRatio: median(ratios),
    };
  });
}

/** Sends one request and returns its status and body. */
function call(url: string, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** DynamoDB calls made for one itemsByIds request of 100 and of 250 ids. */
async function runBatching(dynamo: Dynamo, service: Proc, ids: string[]): Promise<Record<string, Record<string, number>>> {
  const batching: Record<string, Record<string, number>> = {};
  for (const count of [100, 250]) {
    await dynamo.takeCounts();
    const answer = await call(service.url, 'POST', '/graphql', gql(ITEMS, { ids: ids.slice(0, count) }));
    const items = (JSON.parse(answer.body) as { data?: { itemsByIds?: unknown[] } }).data?.itemsByIds ?? [];
    if (answer.status !== 200 || items.length !== count) throw new Error(`itemsByIds(${count}) answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    batching[`itemsByIds(${count} ids)`] = (await dynamo.takeCounts()).ours;
  }
  return batching;
}

/**
 * GET /picus/list over the whole large table: seconds, items, and the
 * service's peak RSS growth. The body is checked as it streams past (framing,
 * item count) rather than kept and parsed, so the client's work, which shares
 * a core with dynalite, stays small.
 */
async function listWholeTable(service: Proc): Promise<{ seconds: number; items: number; peakRssGrowthBytes: number }> {
  const baseline = rssBytes(service.pid);
  // Resets the kernel's peak-RSS mark (VmHWM) to the current RSS, so the peak read after is this request's.
  let exactPeak = true;
  try {
    writeFileSync(`/proc/${service.pid}/clear_refs`, '5');
  } catch {
    exactPeak = false;
  }
  let sampledPeak = baseline;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssBytes(service.pid))), 10);
  const started = process.hrtime.bigint();
  // Every item the service writes starts with this, and JSON cannot hold it inside a string.
  const itemStart = '{"createdAt":"';
  let items = 0;
  let tail = '';
  let head = '';
  const status = await new Promise<number>((resolve, reject) => {
    request(`${service.url}/picus/list`, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (head.length < 2) head += chunk.slice(0, 2);
        const text = tail + chunk;
        for (let at = text.indexOf(itemStart); at !== -1; at = text.indexOf(itemStart, at + itemStart.length)) items += 1;
        tail = text.slice(-(itemStart.length - 1));
      });
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  const hwm = Number(readFileSync(`/proc/${service.pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m)?.[1] ?? 0) * 1024;
  const peak = exactPeak ? Math.max(hwm, sampledPeak) : sampledPeak;
  if (status !== 200 || !head.startsWith('[{') || !tail.endsWith('}]')) throw new Error(`GET /picus/list answered ${status}, not one JSON array of items`);
  return { seconds, items, peakRssGrowthBytes: peak - baseline };
}

/** Our streamed list of the whole large table against the plain Scan loop, in turns. */
async function runList(floor: Proc, largeService: Proc, log: (message: string) => void): Promise<ListResult> {
  const ours: { seconds: number; peakRssGrowthBytes: number }[] = [];
  const floorSeconds: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const t0 = process.hrtime.bigint();
    const scanned = JSON.parse((await call(floor.url, 'GET', `/scan-all?table=${LARGE_TABLE}`)).body) as { count: number };
    floorSeconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (scanned.count !== LIST_ITEMS) throw new Error(`the Scan floor saw ${scanned.count} items, not ${LIST_ITEMS}`);
    const listed = await listWholeTable(largeService);
    if (listed.items !== LIST_ITEMS) throw new Error(`GET /picus/list returned ${listed.items} items, not ${LIST_ITEMS}`);
    ours.push(listed);
    log(
      `round ${r + 1}/${ROUNDS} list of ${LIST_ITEMS}: ours ${listed.seconds.toFixed(2)} s (+${(listed.peakRssGrowthBytes / 2 ** 20).toFixed(1)} MiB RSS), Scan floor ${floorSeconds.at(-1)!.toFixed(2)} s`,
    );
  }
  const oursSeconds = median(ours.map((run) => run.seconds));
  const scanSeconds = median(floorSeconds);
  return {
    items: LIST_ITEMS,
    ours: {
      seconds: oursSeconds,
      itemsPerSecond: LIST_ITEMS / oursSeconds,
      peakRssGrowthMiB: Math.max(...ours.map((run) => run.peakRssGrowthBytes)) / 2 ** 20,
    },
    floor: { seconds: scanSeconds, itemsPerSecond: LIST_ITEMS / scanSeconds },
    throughputRatio: scanSeconds / oursSeconds,
  };
}

function evaluate(
  scenarios: ScenarioResult[],
  list?: ListResult,
  batching?: Record<string, Record<string, number>>,
  coldStartWithAuth?: ColdStartResult,
): BenchReport['targets'] {
  const targets: BenchReport['targets'] = [];
  const restGet = scenarios.find((s) => s.name === 'REST GET /picus/get/{id}');
  const gqlItem = scenarios.find((s) => s.name === 'GraphQL item');
  if (restGet) targets.push({ name: 'REST GET CPU per request ≤ 1.25 × floor', value: restGet.cpuRatio, limit: 1.25, met: restGet.cpuRatio <= 1.25 });
  // Auth's own cost: the same route with tokens on over it off, each measured against its floor in the same rounds.
  const withToken = scenarios.find((s) => s.name === 'REST GET /picus/get/{id}, with a token (reused)');
  if (restGet && withToken) {
    const ratio = round(withToken.cpuRatio / restGet.cpuRatio, 3);
    targets.push({ name: 'REST GET with a reused token ≤ 1.05 × REST GET (auth ≤ 5 % CPU)', value: ratio, limit: 1.05, met: ratio <= 1.05 });
  }
  const gqlToken = scenarios.find((s) => s.name === 'GraphQL item, with a token (reused)');
  if (gqlItem && gqlToken) {
    const ratio = round(gqlToken.cpuRatio / gqlItem.cpuRatio, 3);
    targets.push({ name: 'GraphQL item with a reused token ≤ 1.05 × GraphQL item', value: ratio, limit: 1.05, met: ratio <= 1.05 });
  }
  if (coldStartWithAuth)
    targets.push({
      name: 'Lambda cold start with a token (JWKS fetch included) ≤ 300 ms median',
      value: coldStartWithAuth.medianMs,
      limit: 300,
      met: coldStartWithAuth.medianMs <= 300,
    });
  if (restGet && gqlItem) {
    const ratio = gqlItem.ours.cpuUsPerRequest / restGet.ours.cpuUsPerRequest;
    targets.push({ name: 'GraphQL item CPU per request ≤ 2 × REST GET', value: ratio, limit: 2, met: ratio <= 2 });
  }
  if (list) {
    targets.push({ name: 'list throughput ≥ 0.8 × Scan floor', value: list.throughputRatio, limit: 0.8, met: list.throughputRatio >= 0.8 });
    targets.push({ name: 'list peak RSS growth < 64 MiB', value: list.ours.peakRssGrowthMiB, limit: 64, met: list.ours.peakRssGrowthMiB < 64 });
  }
  for (const [name, expected] of [
    ['itemsByIds(100 ids)', 1],
    ['itemsByIds(250 ids)', 3],
  ] as const) {
    const counts = batching?.[name];
    if (counts)
      targets.push({
        name: `${name} = ${expected} BatchGetItem`,
        value: counts.BatchGetItem ?? 0,
        limit: expected,
        met: JSON.stringify(counts) === JSON.stringify({ BatchGetItem: expected }),
      });
  }
  return targets;
}

// ---- the run -------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const log = (message: string): void => void process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);
  const profileDir = process.env.BENCH_PROFILE ? join(__dirname, '..', '..', 'dist', 'bench', 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const withList = chosen('list');

  await bundleBenchProcesses();
  const procs: Proc[] = [];
  const track = <T extends Proc>(proc: T): T => (procs.push(proc), proc);
  try {
    const dynamo = track(await startDynamo());
    const setupConfig = loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.directEndpoint });
    const setup = createDocumentClient(setupConfig);
    await ensureItemTable(setupConfig, TABLE);
    await ensureItemTable(setupConfig, LARGE_TABLE);
    destroyDocumentClient(setup);

    const readIds = Array.from({ length: 1000 }, () => randomUUID());
    // Each DELETE needs an item of its own: the warm-up, then per round a saturated run and one at a lower rate.
    const deletePool = (): string[] => (chosen(REST_DELETE_SCENARIO) ? Array.from({ length: WARMUP_DELETES + ROUNDS * 2 * DELETES }, () => randomUUID()) : []);
    const oursDeletes = deletePool();
    const floorDeletes = deletePool();
    const graphqlDeletes = chosen(GRAPHQL_DELETE_SCENARIO) ? Array.from({ length: WARMUP_DELETES + ROUNDS * 2 * DELETES }, () => randomUUID()) : [];
    const floorGraphqlDeletes = chosen(GRAPHQL_DELETE_SCENARIO) ? Array.from({ length: WARMUP_DELETES + ROUNDS * 2 * DELETES }, () => randomUUID()) : [];
    // Updates cycle through ids of their own, each side tracking the version it expects next.
    const oursUpdates = Array.from({ length: 1000 }, () => randomUUID());
    const floorUpdates = Array.from({ length: 1000 }, () => randomUUID());
    const largeItems = withList ? LIST_ITEMS : 0;
    log(`seeding ${readIds.length + oursDeletes.length + floorDeletes.length} items, and ${largeItems} in the large table`);
    await seed(
      dynamo.directEndpoint,
      TABLE,
      [...readIds, ...oursDeletes, ...floorDeletes, ...graphqlDeletes, ...floorGraphqlDeletes, ...oursUpdates, ...floorUpdates].map((id, i) => ({
        id,
        data: sampleData(i),
      })),
    );
    await seed(
      dynamo.directEndpoint,
      LARGE_TABLE,
      Array.from({ length: largeItems }, (_, i) => ({ id: randomUUID(), data: sampleData(i) })),
    );

    const lambdaPort = await freePort();
    const env = { DYNAMODB_ENDPOINT: dynamo.endpoints.ours, DYNAMODB_TABLE_NAME: TABLE, NODE_OPTIONS: await productionNodeOptions() };
    // GraphQL deleteItem invokes the Lambda bundle on the ALB process's Invoke API.
    const deleteEnv = { LAMBDA_ENDPOINT: `http://127.0.0.1:${lambdaPort}`, DELETE_FUNCTION_NAME: 'picus-bench-delete' };
    const floor = track(await startFloor({ ...env, DYNAMODB_ENDPOINT: dynamo.endpoints.floor }, profileDir));
    const expressFloor = track(await startFloor(env, undefined, 'express-floor'));
    const service = track(await startService({ ...env, ...deleteEnv }, profileDir));
    // The same service with tokens on, against a local issuer in this process (its keys are fetched once).
    const issuer = chosen('token') || chosen('cold start') ? await startLocalIssuer() : undefined;
    const authService = issuer
      ? track(await startService({ ...env, AUTH_MODE: 'jwt', AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE }))
      : undefined;
    const reused: Record<string, string> = issuer ? { authorization: `Bearer ${await issuer.tokenFor(LOCAL_CLIENT)}` } : {};
    // First-seen tokens: one per request, minted ahead (RS256 signing would otherwise load this side).
    const freshTokens: string[] = [];
    if (issuer && chosen('REST GET /picus/get/{id}, a first-seen token each request')) {
      for (let i = 0; i < WARMUP_DELETES + ROUNDS * 2 * DELETES; i += 1) freshTokens.push(await issuer.tokenFor(LOCAL_CLIENT));
    }
    const largeService = track(await startService({ ...env, DYNAMODB_TABLE_NAME: LARGE_TABLE }));
    const alb = track(await startAlb({ ...env, LAMBDA_PORT: String(lambdaPort) }, service.url));
    log(
      `floor, Express reference, service, large-table service and local ALB up${pinning.enabled ? `; servers on core ${pinning.serverCores}, load and dynalite on ${pinning.otherCores}` : ''}`,
    );

    let n = 0;
    const anyId = (): string => readIds[n++ % readIds.length]!;
    const hundredIds = (): string[] => {
      const start = n++ % (readIds.length - 100);
      return readIds.slice(start, start + 100);
    };
    const takeFrom = (pool: string[]) => (): string => pool.pop() ?? 'exhausted';
    const oursVersions = new Map<string, number>();
    const floorVersions = new Map<string, number>();
    let updateTurn = 0;
    // Round robin over the update ids: one id comes back every 1000 requests, long after its last PUT answered.
    const nextUpdate = <T>(ids: string[], versions: Map<string, number>, make: (id: string, version: number) => T): T => {
      const id = ids[updateTurn++ % ids.length]!;
      const version = versions.get(id) ?? 1;
      versions.set(id, version + 1);
      return make(id, version);
    };
    const nextOursDelete = takeFrom(oursDeletes);
    const nextFloorDelete = takeFrom(floorDeletes);
    const nextGraphqlDelete = takeFrom(graphqlDeletes);
    const nextFloorGraphqlDelete = takeFrom(floorGraphqlDeletes);
    const floorGet = (): Spec => ({ proc: floor, url: floor.url, method: 'GET', next: () => ({ path: `/get/${anyId()}` }) });
    const floorPut = (): Spec => ({ proc: floor, url: floor.url, method: 'POST', next: () => ({ path: '/put', body: JSON.stringify(sampleData(n++)) }) });
    const ours = (method: Spec['method'], next: Spec['next']) => (): Spec => ({ proc: service, url: service.url, method, next });
    const all: Scenario[] = [
      { name: 'REST GET /picus/get/{id}', floorLabel: 'GetItem', floor: floorGet, ours: ours('GET', () => ({ path: `/picus/get/${anyId()}` })) },
      {
        name: 'Reference: bare Express 5, one GET route',
        floorLabel: 'GetItem',
        floor: floorGet,
        ours: () => ({ proc: expressFloor, url: expressFloor.url, method: 'GET', next: () => ({ path: `/get/${anyId()}` }) }),
      },
      ...(authService
        ? [
            {
              name: 'REST GET /picus/get/{id}, with a token (reused)',
              floorLabel: 'GetItem',
              floor: floorGet,
              ours: (): Spec => ({ proc: authService, url: authService.url, method: 'GET', next: () => ({ path: `/picus/get/${anyId()}`, headers: reused }) }),
            },
            {
              name: 'REST GET /picus/get/{id}, a first-seen token each request',
              floorLabel: 'GetItem',
              byAmount: true,
              floor: floorGet,
              ours: (): Spec => ({
                proc: authService,
                url: authService.url,
                method: 'GET',
                next: () => ({ path: `/picus/get/${anyId()}`, headers: { authorization: `Bearer ${freshTokens.pop() ?? 'exhausted'}` } }),
              }),
            },
            {
              name: 'GraphQL item, with a token (reused)',
              floorLabel: 'GetItem',
              floor: floorGet,
              ours: (): Spec => ({
                proc: authService,
                url: authService.url,
                method: 'POST',
                next: () => ({ path: '/graphql', body: gql(ITEM, { id: anyId() }), headers: reused }),
              }),
            },
          ]
        : []),
      {
        name: 'REST POST /picus/put',
        floorLabel: 'PutItem',
        floor: floorPut,
        ours: ours('POST', () => ({ path: '/picus/put', body: JSON.stringify(sampleData(n++)) })),
      },
      {
        name: 'REST GET /picus/list?limit=100',
        floorLabel: 'Scan, Limit 100',
        floor: () => ({ proc: floor, url: floor.url, method: 'GET', next: () => ({ path: '/list?limit=100' }) }),
        ours: ours('GET', () => ({ path: '/picus/list?limit=100' })),
      },
      { name: 'GraphQL item', floorLabel: 'GetItem', floor: floorGet, ours: ours('POST', () => ({ path: '/graphql', body: gql(ITEM, { id: anyId() }) })) },
      {
        name: 'GraphQL itemsByIds (100 ids)',
        floorLabel: 'BatchGetItem, 100 keys',
        floor: () => ({ proc: floor, url: floor.url, method: 'POST', next: () => ({ path: '/batch', body: JSON.stringify({ ids: hundredIds() }) }) }),
        ours: ours('POST', () => ({ path: '/graphql', body: gql(ITEMS, { ids: hundredIds() }) })),
      },
      {
        name: 'GraphQL createItem',
        floorLabel: 'PutItem',
        floor: floorPut,
        ours: ours('POST', () => ({ path: '/graphql', body: gql(CREATE, { data: sampleData(n++) }) })),
      },
      {
        name: 'REST PUT /picus/{id} with If-Match',
        floorLabel: 'UpdateItem, conditional',
        floor: () => ({
          proc: floor,
          url: floor.url,
          method: 'PUT',
          next: () => nextUpdate(floorUpdates, floorVersions, (id, v) => ({ path: `/item/${id}?version=${v}`, body: JSON.stringify(sampleData(n++)) })),
        }),
        ours: ours('PUT', () =>
          nextUpdate(oursUpdates, oursVersions, (id, v) => ({
            path: `/picus/${id}`,
            body: JSON.stringify(sampleData(n++)),
            headers: { 'if-match': etagOf({ id, version: v }) },
          })),
        ),
      },
      {
        name: GRAPHQL_DELETE_SCENARIO,
        floorLabel: 'DeleteItem',
        byAmount: true,
        floor: () => ({ proc: floor, url: floor.url, method: 'DELETE', next: () => ({ path: `/item/${nextFloorGraphqlDelete()}` }) }),
        ours: ours('POST', () => ({ path: '/graphql', body: gql(DELETE, { id: nextGraphqlDelete() }) })),
      },
      {
        name: REST_DELETE_SCENARIO,
        floorLabel: 'DeleteItem',
        byAmount: true,
        floor: () => ({ proc: floor, url: floor.url, method: 'DELETE', next: () => ({ path: `/item/${nextFloorDelete()}` }) }),
        ours: () => ({ proc: alb, url: alb.url, method: 'DELETE', next: () => ({ path: `/picus/${nextOursDelete()}` }) }),
      },
    ];
    const scenarios = all.filter((scenario) => chosen(scenario.name));

    const results = await runScenarios(dynamo, scenarios, log);
    const batching = chosen('itemsByIds') ? await runBatching(dynamo, service, readIds) : undefined;
    if (batching) log(`batching: ${JSON.stringify(batching)}`);
    const list = withList ? await runList(floor, largeService, log) : undefined;
    for (const proc of procs) await proc.stop();
    await issuer?.close();
    let coldStart: ColdStartResult | undefined;
    let coldStartWithAuth: ColdStartResult | undefined;
    if (chosen('cold start')) {
      log('measuring the Lambda cold start, without and with a token to verify (JWKS fetched from a local issuer)');
      coldStart = await measureLambdaColdStart(10);
      coldStartWithAuth = await measureLambdaColdStart(10, { auth: true });
    }

    const targets = evaluate(results, list, batching, coldStartWithAuth);
    const failedRequests = results.reduce((sum, s) => sum + s.ours.failures + s.floor.failures, 0);
    const report: BenchReport = {
      date: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        dynamodb: 'dynalite 4 (in memory, behind the counting proxy)',
        pinned: pinning.enabled,
      },
      settings: { rounds: ROUNDS, secondsPerRun: SECONDS, connections: CONNECTIONS, deletesPerRun: DELETES, listItems: LIST_ITEMS },
      nodeOptions: env.NODE_OPTIONS,
      scenarios: results,
      batching,
      list,
      coldStart,
      coldStartWithAuth,
      targets,
      failedRequests,
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
    // A full run is the one the docs show; a BENCH_ONLY run leaves them alone.
    if (!ONLY) writeFileSync(BENCHMARKS_DOC, withResults(readFileSync(BENCHMARKS_DOC, 'utf8'), report));
    process.stdout.write(formatReport(report));
    process.stdout.write(`\nwritten to ${RESULTS}${profileDir ? `; CPU profiles in ${profileDir}` : ''}\n`);
    // Call counts are exact and no request may fail; speed targets are reported, since this machine is shared.
    if (failedRequests > 0 || targets.some((t) => t.name.includes('BatchGetItem') && !t.met)) process.exitCode = 1;
  } finally {
    for (const proc of procs) await proc.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
