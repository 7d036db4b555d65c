/**
 * A rolling deploy the way ECS runs one (minimum healthy 100 %), replayed
 * against two service processes behind the local ALB under steady load:
 * for each old task, start the new one, wait until the target group calls it
 * healthy, deregister the old one (draining), send it SIGTERM, wait for it to
 * exit. Not one request may fail.
 */
import { createHandler } from '../../lambda/create-handler';
import { startLocalAlb, type LocalAlb } from '../../local/alb';
import { runLoad, statusCounts, type LoadRequest } from '../support/load';
import { startServiceProcess, type ChildService } from '../support/processes';
import { silentLogger, startTestCore, type TestCore } from '../support/test-core';

const RATE = 300;
const DURATION_MS = 15_000;

describe('rolling deploy behind the ALB', () => {
  let t: TestCore;
  let alb: LocalAlb;
  const services: ChildService[] = [];
  const start = async (): Promise<ChildService> => {
    const service = await startServiceProcess({
      DYNAMODB_ENDPOINT: t.endpoint,
      DYNAMODB_TABLE_NAME: t.core.config.tableName,
      // ECS keeps routing for a moment after SIGTERM; locally deregistration comes first, so a short delay suffices.
      SHUTDOWN_DELAY_MS: '300',
    });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    t = await startTestCore();
    const handler = createHandler({ itemService: t.core.itemService, logger: silentLogger() });
    alb = await startLocalAlb(
      { lambda: handler, healthCheck: { intervalMs: 200, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 2 }, deregistrationDelayMs: 10_000 },
      0,
    );
  });
  afterAll(async () => {
    await alb.close();
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await t.close();
  });

  it(`serves ${RATE} req/s for ${DURATION_MS / 1000} s while both tasks are replaced, without one failed request`, async () => {
    const old = [await start(), await start()];
    for (const s of old) alb.registerTarget(s.url);
    await Promise.all(old.map((s) => alb.waitFor(s.url, 'healthy')));

    const seeded = await t.core.itemService.create({ seeded: true });
    const created: { id: string; data: unknown }[] = [];
    const mix = (i: number): LoadRequest => {
      switch (i % 5) {
        case 0:
          return { method: 'GET', path: `/picus/get/${seeded.id}` };
        case 1:
          return { method: 'POST', path: '/picus/put', body: JSON.stringify({ seq: i, note: 'rolling' }) };
        case 2:
          return {
            method: 'POST',
            path: '/graphql',
            body: JSON.stringify({ query: 'query($id: ID!) { item(id: $id) { id data } }', variables: { id: seeded.id } }),
          };
        case 3:
          return { method: 'GET', path: '/picus/list?limit=10' };
        default:
          return { method: 'GET', path: '/health' };
      }
    };

    const load = runLoad({ url: alb.url, rate: RATE, durationMs: DURATION_MS, connections: 32, next: mix });
    const deploy = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const steps: string[] = [];
      for (const previous of old) {
        const next = await start();
        alb.registerTarget(next.url);
        await alb.waitFor(next.url, 'healthy');
        await alb.deregisterTarget(previous.url);
        const code = await previous.stop('SIGTERM');
        steps.push(`${previous.url} -> ${next.url}: old exited ${code}`);
        expect(code).toBe(0);
      }
      return { steps, finishedAt: Date.now() };
    })();

    const [results, { steps, finishedAt }] = await Promise.all([load, deploy]);
    const failed = results.filter((r) => r.status !== 200 && r.status !== 201);
    for (const r of results)
      if (r.request.path === '/picus/put' && r.status === 201)
        created.push({ id: (JSON.parse(r.body) as { id: string }).id, data: JSON.parse(String(r.request.body)) });
    const report = {
      sent: results.length,
      failed: failed.length,
      statuses: statusCounts(results),
      steps,
      p99Ms: percentile(
        results.map((r) => r.ms),
        0.99,
      ),
    };
    process.stdout.write(`rolling deploy: ${JSON.stringify(report)}\n`);

    expect(failed.slice(0, 5).map((r) => ({ status: r.status, error: r.error, body: r.body.slice(0, 200), path: r.request.path }))).toEqual([]);
    expect(results.length).toBe(Math.floor((RATE * DURATION_MS) / 1000));
    // The deploy happened under load, not after it.
    expect(finishedAt).toBeLessThan(Math.max(...results.map((r) => r.startedAt)));
    expect(
      alb
        .targets()
        .map((target) => target.url)
        .sort(),
    ).toEqual(
      services
        .slice(2)
        .map((s) => s.url)
        .sort(),
    );
    // Every acknowledged write is there.
    const stored = [];
    for (let i = 0; i < created.length; i += 500) stored.push(...(await t.core.itemService.getMany(created.slice(i, i + 500).map((c) => c.id))));
    expect(stored.map((item) => (item && 'data' in item ? item.data : item))).toEqual(created.map((c) => c.data));
  }, 90_000);
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}
