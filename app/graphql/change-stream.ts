import type { ChangeBus } from '../core/changes/change-bus';
import type { ItemChange } from '../core/items/item-changes';

/**
 * One subscription's changes: those of the bus (only item `id`'s when given), in order, held in a bounded queue while
 * the client reads. A client that falls `maxQueued` changes behind is a slow consumer: `overflow` is called (the
 * transport closes its socket) and the stream ends, instead of buffering without bound. Ending the stream (the client
 * completes, or the socket closes) stops listening to the bus.
 */
export function changeStream(bus: ChangeBus, options: { id?: string; maxQueued: number; overflow: () => void }): AsyncIterableIterator<ItemChange> {
  const queue: ItemChange[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let stop: (() => void) | undefined;
  const subscribed = bus.subscribe((change) => {
    if (done || (options.id !== undefined && change.id !== options.id)) return;
    if (queue.length >= options.maxQueued) {
      finish();
      options.overflow();
      return;
    }
    queue.push(change);
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
