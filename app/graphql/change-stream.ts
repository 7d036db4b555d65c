import type { ChangeBus } from '../core/changes/change-bus';
import type { ItemChange } from '../core/items/item-changes';

/** The JSON size of a change, computed once per change however many subscriptions hold it. */
const sizes = new WeakMap<ItemChange, number>();
const sizeOf = (change: ItemChange): number => {
  let size = sizes.get(change);
  if (size === undefined) sizes.set(change, (size = JSON.stringify(change).length));
  return size;
};

/**
 * One subscription's changes: those of the bus (only item `id`'s when given), in order, held in a bounded queue while
 * the client reads (the transport sends the next only once the socket took the last). A client that falls
 * `maxQueued` changes or `maxQueuedBytes` behind is a slow consumer: `overflow` is called (the transport closes its
 * socket) and the stream ends, instead of buffering without bound. Ending the stream (the client completes, or the
 * socket closes) stops listening to the bus.
 */
export function changeStream(
  bus: ChangeBus,
  options: { id?: string; maxQueued: number; maxQueuedBytes?: number; overflow: () => void },
): AsyncIterableIterator<ItemChange> {
  const maxBytes = options.maxQueuedBytes ?? Number.POSITIVE_INFINITY;
  let queuedBytes = 0;
  const queue: ItemChange[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let stop: (() => void) | undefined;
  const subscribed = bus.subscribe((change) => {
    if (done || (options.id !== undefined && change.id !== options.id)) return;
    const size = maxBytes === Number.POSITIVE_INFINITY ? 0 : sizeOf(change);
    if (queue.length >= options.maxQueued || queuedBytes + size > maxBytes) {
      finish();
      options.overflow();
      return;
    }
    queue.push(change);
    queuedBytes += size;
    wake?.();
  });
  void subscribed.then((unsubscribe) => (done ? unsubscribe() : (stop = unsubscribe)));

  function finish(): void {
    done = true;
    queue.length = 0;
    stop?.();
    wake?.();
  }

  const iterator: AsyncIterableIterator<ItemChange> = {
    async next() {
      await subscribed;
      while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const value = queue.shift();
      if (value !== undefined && maxBytes !== Number.POSITIVE_INFINITY) queuedBytes -= sizeOf(value);
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
    async return() {
      finish();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
