import { verdict } from './report';
import { soak, type SoakReport, type SoakTarget } from './harness';

/**
 * The soak in .ci/run: one minute of warm-up (V8 sizes its heap, caches and sockets settle), then two minutes of
 * mixed traffic at 50 requests/s. Bound: after warm-up a sound system here drifts by under 5 MiB in two minutes
 * (npm start -0.1 MiB, the service alone +1.9 MiB); the dynalite iterator leak adds about 50 MiB a minute at this
 * rate (0.85 MiB/s measured). 40 MiB is eight times the drift and well under what two minutes of a leak that size
 * add, so the test neither flaps on a noisy machine nor lets a leak of a few KiB per request through.
 */
const SOAK_BOUND_MIB = 40;
/** Subscriptions connected through the whole soak, hearing every write. */
const SUBSCRIBERS = 20;

export function defineSoak(name: string, start: () => Promise<SoakTarget>): void {
  describe(`soak: ${name}`, () => {
    let report: SoakReport;

    beforeAll(async () => {
      const target = await start();
      try {
        report = await soak(target, { warmupMs: 60_000, measureMs: 120_000, rate: 50, sampleMs: 5_000, subscribers: SUBSCRIBERS });
      } finally {
        await target.stop();
      }
      process.stdout.write(`soak: ${verdict(report, SOAK_BOUND_MIB)}\n`);
    }, 300_000);

    it('answers every request of three minutes of mixed traffic as expected', () => {
      expect(report.failures).toEqual([]);
      expect(report.requests).toBeGreaterThanOrEqual(50 * 170);
      for (const op of ['put', 'list?limit=10', 'list', 'get', 'delete', 'graphql items', 'graphql itemsByIds', 'graphql createItem']) {
        expect([op, (report.byOp[op] ?? 0) > 0]).toEqual([op, true]);
      }
    });

    it(`tells each of its ${SUBSCRIBERS} subscribers of every create it acknowledged, none lost`, () => {
      expect(report.subscriptions).toMatchObject({ subscribers: SUBSCRIBERS, missing: 0 });
      expect(report.subscriptions!.creates).toBeGreaterThan(1000);
    });

    it(`keeps its RSS within ${SOAK_BOUND_MIB} MiB of where it stood after the warm-up, subscribers connected`, () => {
      expect(report.growth).toBeLessThanOrEqual(SOAK_BOUND_MIB);
    });
  });
}
