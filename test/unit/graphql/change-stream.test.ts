import { createInProcessBus } from '../../../app/core/changes/change-bus';
import type { ItemChange } from '../../../app/core/items/item-changes';
import { changeStream } from '../../../app/graphql/change-stream';

const change = (id: string, version: number): ItemChange => ({ kind: 'UPDATED', id, version, item: null, at: '2026-12-07T00:00:00.000Z', by: null });
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('changeStream (one subscription over the change bus)', () => {
  it('yields the changes of the id it follows, in publish order, and none of another', async () => {
    const bus = createInProcessBus();
    const stream = changeStream(bus, { id: 'a', maxQueued: 10, overflow: () => undefined });
    await settled();
    for (const [id, version] of [
      ['a', 1],
      ['b', 1],
      ['a', 2],
    ] as const)
      await bus.publish(change(id, version));
    expect((await stream.next()).value).toEqual(change('a', 1));
    expect((await stream.next()).value).toEqual(change('a', 2));
    await stream.return!();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('ends a slow consumer (more than maxQueued changes unread) and says so once, instead of buffering without bound', async () => {
    const bus = createInProcessBus();
    let overflowed = 0;
    const stream = changeStream(bus, { maxQueued: 3, overflow: () => (overflowed += 1) });
    await settled();
    for (let version = 1; version <= 10; version += 1) await bus.publish(change('a', version));
    expect(overflowed).toBe(1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('ends a consumer that falls more than maxQueuedBytes behind, however few the changes', async () => {
    const bus = createInProcessBus();
    let overflowed = 0;
    const stream = changeStream(bus, { maxQueued: 1000, maxQueuedBytes: 10_000, overflow: () => (overflowed += 1) });
    await settled();
    const big = (version: number): ItemChange => ({ ...change('a', version), item: { id: 'a', data: { pad: 'x'.repeat(4000) }, version } });
    for (let version = 1; version <= 2; version += 1) await bus.publish(big(version));
    expect(overflowed).toBe(0); // two of 4 KB fit in 10 KB
    await bus.publish(big(3));
    expect(overflowed).toBe(1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('stops listening to the bus when the subscription ends', async () => {
    const inner = createInProcessBus();
    let listening = 0;
    const bus = {
      ...inner,
      subscribe: async (listener: (change: ItemChange) => void) => {
        listening += 1;
        const stop = await inner.subscribe(listener);
        return () => {
          listening -= 1;
          stop();
        };
      },
    };
    const stream = changeStream(bus, { maxQueued: 10, overflow: () => undefined });
    await settled();
    expect(listening).toBe(1);
    await stream.return!();
    expect(listening).toBe(0);
  });
});
