import type { ItemChange } from '../items/item-changes';

/**
 * The port acknowledged writes are published to and subscriptions listen on. Two adapters: in this process (one task,
 * `npm start`), and a Redis-protocol server (ElastiCache for Valkey in AWS, `redis-server` in the tests), so that a
 * subscriber on any task sees a write served by any other. CHANGE_BUS_URL chooses (app/core/config.ts).
 */
export interface ChangeBus {
  /** Resolves once the change is handed to the bus; it never throws for a subscriber's failure. */
  publish(change: ItemChange): Promise<void>;
  /** Calls `listener` with every change published after this resolves, anywhere; resolves to the function that stops it. */
  subscribe(listener: (change: ItemChange) => void): Promise<() => void>;
  close(): Promise<void>;
}

/** Changes delivered to listeners in this process, in publish order, each listener called alone (one throws, others still hear). */
export function createInProcessBus(): ChangeBus {
  const listeners = new Set<(change: ItemChange) => void>();
  return {
    async publish(change) {
      for (const listener of listeners) {
        try {
          listener(change);
        } catch {
          // A subscriber's failure is its own: the write was acknowledged and the others still hear of it.
        }
      }
    },
    async subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
