/**
 * DynamoDB faults under load, against a service process: the database first
 * freezes (SIGSTOP: connections hang), then dies (SIGKILL: connections refused)
 * and comes back on the same port with the same data. The service must answer
 * every request quickly (503 DATABASE_UNAVAILABLE while the database is gone),
 * keep /health at 200, turn /ready 503, recover by itself, and lose no write
 * it acknowledged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../app/core/config';
import { ensureItemTable } from '../../local/item-table';
import { runLoad, statusCounts, type LoadRequest, type LoadResult } from '../support/load';
import { startDynamoProcess, startServiceProcess, type ChildService, type DynamoProcess } from '../support/processes';

const RATE = 200;
const DURATION_MS = 14_000;
/** Per-attempt timeouts and attempts given to the service; a request may take at most about 2 × 1 s + backoff. */
const SERVICE_ENV = { DYNAMODB_REQUEST_TIMEOUT_MS: '1000', DYNAMODB_CONNECT_TIMEOUT_MS: '500', DYNAMODB_MAX_ATTEMPTS: '2', READY_CACHE_MS: '0' };
const ANSWER_BUDGET_MS = 3500;
const TABLE = 'picus-outage';

describe('DynamoDB outage under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'picus-outage-'));
  let db: DynamoProcess;
  let service: ChildService;

  beforeAll(async () => {
    db = await startDynamoProcess({ path: dataDir });
    const config = loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: db.endpoint, DYNAMODB_TABLE_NAME: TABLE });
    await ensureItemTable(config, TABLE);
    service = await startServiceProcess({ DYNAMODB_ENDPOINT: db.endpoint, DYNAMODB_TABLE_NAME: TABLE, ...SERVICE_ENV });
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await db?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 within its timeout, stays alive and loses no acknowledged write through a freeze and a crash', async () => {
    const seeded = (await (
      await fetch(`${service.url}/picus/put`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seeded":true}' })
    ).json()) as { id: string };
    const mix = (i: number): LoadRequest => {
      if (i % 2 === 0) return { method: 'POST', path: '/picus/put', body: JSON.stringify({ seq: i, text: `write ${i} ✓` }) };
      if (i % 4 === 1) return { method: 'GET', path: `/picus/get/${seeded.id}` };
      return { method: 'POST', path: '/graphql', body: JSON.stringify({ query: 'query($id: ID!) { item(id: $id) { id } }', variables: { id: seeded.id } }) };
    };

    const probes: { at: string; health: number; ready: number; readyCode?: string }[] = [];
    const probe = async (at: string): Promise<void> => {
      const health = await fetch(`${service.url}/health`);
      const ready = await fetch(`${service.url}/ready`);
      probes.push({ at, health: health.status, ready: ready.status, readyCode: ((await ready.json()) as { code?: string }).code });
    };
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const windows: Record<string, [number, number]> = {};

    const started = Date.now();
    const load = runLoad({ url: service.url, rate: RATE, durationMs: DURATION_MS, connections: 32, next: mix });
    const faults = (async () => {
      await sleep(2000);
      const frozenAt = Date.now();
      db.child.kill('SIGSTOP');
      await sleep(1500);
      await probe('frozen');
      await sleep(1500);
      db.child.kill('SIGCONT');
      windows.freeze = [frozenAt, Date.now()];
      await sleep(1500);
      const killedAt = Date.now();
      await db.stop('SIGKILL');
      await sleep(1000);
      await probe('down');
      await sleep(1000);
      db = await startDynamoProcess({ path: dataDir, port: db.port });
      windows.crash = [killedAt, Date.now()];
    })();
    const [results] = await Promise.all([load, faults]);
    await probe('recovered');

    const inWindow = (name: string) => (r: LoadResult) => r.startedAt >= windows[name]![0] && r.startedAt < windows[name]![1];
    const unavailable = results.filter((r) => isUnavailable(r));
    const report = {
      sent: results.length,
      statuses: statusCounts(results),
      unavailable: unavailable.length,
      unavailableDuringFreeze: results.filter(inWindow('freeze')).filter(isUnavailable).length,
      unavailableDuringCrash: results.filter(inWindow('crash')).filter(isUnavailable).length,
      slowestUnavailableMs: Math.max(0, ...unavailable.map((r) => r.ms)),
      probes,
    };
    process.stdout.write(`dynamodb outage: ${JSON.stringify(report)}\n`);

    // Every answer is a success or a clean 503 DATABASE_UNAVAILABLE (GraphQL: the error code), in time.
    const wrong = results.filter((r) => !isSuccess(r) && !isUnavailable(r));
    expect(wrong.slice(0, 5).map((r) => ({ status: r.status, error: r.error, body: r.body.slice(0, 200) }))).toEqual([]);
    expect(report.slowestUnavailableMs).toBeLessThan(ANSWER_BUDGET_MS);
    expect(report.unavailableDuringFreeze).toBeGreaterThan(0);
    expect(report.unavailableDuringCrash).toBeGreaterThan(0);
    expect(probes).toEqual([
      { at: 'frozen', health: 200, ready: 503, readyCode: 'DATABASE_UNAVAILABLE' },
      { at: 'down', health: 200, ready: 503, readyCode: 'DATABASE_UNAVAILABLE' },
      { at: 'recovered', health: 200, ready: 200, readyCode: undefined },
    ]);
    // Recovered without a restart: the same process, and the last second of load all served.
    expect(service.child.exitCode).toBeNull();
    const tail = results.filter((r) => r.startedAt > started + DURATION_MS - 1000);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.filter((r) => !isSuccess(r))).toEqual([]);

    // No acknowledged write lost: each 201 is readable with the data that was sent.
    const acknowledged = results.filter((r) => r.request.path === '/picus/put' && r.status === 201);
    const lost: string[] = [];
    for (const r of acknowledged) {
      const { id } = JSON.parse(r.body) as { id: string };
      const res = await fetch(`${service.url}/picus/get/${id}`);
      const body = (await res.json()) as { data?: unknown };
      if (res.status !== 200 || JSON.stringify(body.data) !== r.request.body) lost.push(id);
    }
    process.stdout.write(`dynamodb outage: ${acknowledged.length} acknowledged writes checked, ${lost.length} lost\n`);
    expect(lost).toEqual([]);
  }, 90_000);
});

function isSuccess(r: LoadResult): boolean {
  if (r.status === 201) return true;
  if (r.status !== 200) return false;
  // GraphQL answers 200 with errors: success only when there are none.
  return r.request.path !== '/graphql' || !(JSON.parse(r.body) as { errors?: unknown }).errors;
}

function isUnavailable(r: LoadResult): boolean {
  try {
    const body = JSON.parse(r.body) as { code?: string; errors?: { extensions?: { code?: string } }[] };
    if (r.request.path === '/graphql') return r.status === 200 && body.errors?.[0]?.extensions?.code === 'DATABASE_UNAVAILABLE';
    return r.status === 503 && body.code === 'DATABASE_UNAVAILABLE';
  } catch {
    return false;
  }
}
