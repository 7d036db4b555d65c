import { createClient } from 'redis';
import type { Logger } from '../logger';
import type { ItemChange } from '../items/item-changes';
import { createInProcessBus, type ChangeBus } from './change-bus';

/** The channel every task publishes to and subscribes on. */
export const CHANGES_CHANNEL = 'picus:item-changes';

/**
 * The ChangeBus across tasks, on a Redis-protocol server's pub/sub (ElastiCache Serverless for Valkey in AWS): one
 * connection publishes, one subscribes, and the changes it hears are fanned out in this process. Pub/sub keeps the
 * order of one publisher's messages; a task that loses its connection reconnects (the client's backoff) and misses
 * what was published meanwhile, which its subscribers see as a gap in versions.
 */
export function createRedisChangeBus(url: string, logger: Logger): ChangeBus {
  const local = createInProcessBus();
  const publisher = createClient({ url });
  const subscriber = publisher.duplicate();
  for (const [role, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    client.on('error', (error: Error) => logger.warn({ role, cause: `${error.name}: ${error.message}` }, 'change bus connection failed'));
  }
  // Connected in the background, so the core is built synchronously; publishing and subscribing wait for it.
  const ready = Promise.all([publisher.connect(), subscriber.connect()]).then(() =>
    subscriber.subscribe(CHANGES_CHANNEL, (message) => {
      let change: ItemChange;
      try {
        change = JSON.parse(message) as ItemChange;
      } catch {
        logger.warn({ channel: CHANGES_CHANNEL }, 'change bus message is not JSON');
        return;
      }
      void local.publish(change);
    }),
  );
  ready.catch(() => undefined);
  return {
    async publish(change) {
      await ready;
      await publisher.publish(CHANGES_CHANNEL, JSON.stringify(change));
    },
    async subscribe(listener) {
      await ready;
      return local.subscribe(listener);
    },
    async close() {
      await local.close();
      await Promise.allSettled([subscriber.close(), publisher.close()]);
    },
  };
}
