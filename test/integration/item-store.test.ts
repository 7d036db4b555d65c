import { EventEmitter, once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { DatabaseUnavailableError, NotFoundError, ValidationError } from '../../app/core/errors';
import type { Item } from '../../app/core/items/item';
import { createItemLoaders } from '../../app/core/items/item-loaders';
import { createItemService } from '../../app/core/items/item-service';
import type { ItemStore } from '../../app/core/items/item-store';
import { startTestCore, type TestCore } from '../support/test-core';

describe('DynamoDB item store (real DynamoDB-compatible server)', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());
  beforeEach(() => t.calls.clear());

  const put = async (data: Record<string, unknown> = { n: 1 }): Promise<Item> => {
    const item = { id: randomUUID(), data, createdAt: new Date().toISOString(), version: 1 };
    await t.core.itemStore.put(item);
    return item;
  };

  it('round-trips JSON types exactly', async () => {
    const data = {
      int: 42,
      neg: -7,
      float: 1.5,
      tiny: 1e-7,
      big: 1e20,
      max: Number.MAX_SAFE_INTEGER,
      t: true,
      f: false,
      n: null,
      s: 'ü 😀 \n "q"',
      arr: [1, 'two', [3], { four: 4 }],
      obj: { deep: { er: [] } },
      empty: '',
    };
    const item = await put(data);
    expect(await t.core.itemStore.get(item.id)).toEqual(item);
  });

  it('reads items written without createdAt or version (by the original service) as version 1', async () => {
    await t.core.itemStore.put({ id: 'legacy-1', data: { name: 'old' } });
    expect(await t.core.itemStore.get('legacy-1')).toEqual({ id: 'legacy-1', data: { name: 'old' }, version: 1 });
  });

  it('returns null for a missing item', async () => {
    expect(await t.core.itemStore.get('missing')).toBeNull();
  });

  it('batch-gets in key order with null for missing and duplicates allowed', async () => {
    const [a, b] = [await put({ a: 1 }), await put({ b: 2 })];
    const result = await t.core.itemStore.batchGet([b.id, 'missing', a.id, b.id]);
    expect(result).toEqual([b, null, a, b]);
    expect(t.calls.get('BatchGetItemCommand')).toBe(1);
  });

  it('splits 250 distinct ids into 3 BatchGetItem calls', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `bulk-${i}`);
    const result = await t.core.itemStore.batchGet(ids);
    expect(result).toHaveLength(250);
    expect(t.calls.get('BatchGetItemCommand')).toBe(3);
  });

  it('retries UnprocessedKeys until every item is read', async () => {
    // DynamoDB stops a BatchGetItem response at 16 MB and returns the rest as UnprocessedKeys:
    // 50 items of 350 KB (17.5 MB) cross that line on DynamoDB, DynamoDB Local and dynalite alike.
    const big = 'x'.repeat(350 * 1024);
    const items = await Promise.all(Array.from({ length: 50 }, (_, i) => put({ i, big })));
    t.calls.clear();
    const result = await t.core.itemStore.batchGet(items.map((item) => item.id));
    expect(result.map((item) => item?.id)).toEqual(items.map((item) => item.id));
    expect(t.calls.get('BatchGetItemCommand')).toBeGreaterThan(1);
  });

  it('deletes atomically: one of twenty concurrent deletes wins', async () => {
    const item = await put();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => t.core.itemStore.delete(item.id)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect((won[0] as PromiseFulfilledResult<Item>).value).toEqual(item);
    expect(lost).toHaveLength(19);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError);
    expect(await t.core.itemStore.get(item.id)).toBeNull();
  });

  it('answers a readiness ping', async () => {
    await expect(t.core.itemStore.ping()).resolves.toBeUndefined();
  });

  it('batches DataLoader loads made in one tick into one call', async () => {
    const a = await put();
    const loaders = createItemLoaders(t.core.itemService);
    t.calls.clear();
    const [x, y, z] = await Promise.all([loaders.itemById.load(a.id), loaders.itemById.load('nope'), loaders.itemById.load(a.id)]);
    expect([x, y, z]).toEqual([a, null, a]);
    expect(t.calls.get('BatchGetItemCommand')).toBe(1);
  });

  it('getMany answers in the order asked, null for missing, an error in place of a bad key, and refuses 1001 ids before reading', async () => {
    const a = await put();
    const results = await t.core.itemService.getMany([a.id, 'missing', 'k'.repeat(3000)]);
    expect(results.slice(0, 2)).toEqual([a, null]);
    expect(results[2]).toBeInstanceOf(ValidationError);
    t.calls.clear();
    await expect(t.core.itemService.getMany(Array.from({ length: 1001 }, (_, i) => `id-${i}`))).rejects.toThrow('At most 1000 ids per request');
    expect(t.calls.size).toBe(0);
  });

  it('fails only the bad key of a DataLoader batch', async () => {
    const a = await put();
    const loaders = createItemLoaders(t.core.itemService);
    const results = await loaders.itemById.loadMany([a.id, 'k'.repeat(3000)]);
    expect(results[0]).toEqual(a);
    expect(results[1]).toBeInstanceOf(Error);
  });
});

describe('item service pagination', () => {
  let t: TestCore;
  const ids = new Set<string>();
  beforeAll(async () => {
    t = await startTestCore();
    // ~2.2 MB of items: the unbounded scan needs several 1 MB DynamoDB pages.
    const filler = 'y'.repeat(90 * 1024);
    for (let i = 0; i < 25; i += 1) {
      const item = await t.core.itemService.create({ i, filler });
      ids.add(item.id);
    }
  });
  afterAll(() => t.close());

  it('walks every item exactly once with limit and cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await t.core.itemService.listPage({ limit: 7, cursor });
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(new Set(seen)).toEqual(ids);
    expect(seen).toHaveLength(ids.size);
  });

  it('knows the last page is the last, even when it is exactly full', async () => {
    const all = await t.core.itemService.listPage({ limit: 25 });
    expect(all.items).toHaveLength(25);
    expect(all.nextCursor).toBeNull();
  });

  it('streams every item across several DynamoDB pages', async () => {
    t.calls.clear();
    const seen: string[] = [];
    for await (const page of t.core.itemService.scanAll()) seen.push(...page.map((item) => item.id));
    expect(new Set(seen)).toEqual(ids);
    expect(t.calls.get('ScanCommand')).toBeGreaterThan(1);
  });

  /** The real store, watched: how many Scan calls are in flight at once, and which segments they read. */
  function watchedStore(options: { failOnCall?: number } = {}) {
    const watch = { calls: 0, inFlight: 0, maxInFlight: 0, segments: new Set<number>(), settled: new EventEmitter() };
    const store: ItemStore = {
      ...t.core.itemStore,
      async scanPage(request) {
        watch.calls += 1;
        if (watch.calls === options.failOnCall) throw new DatabaseUnavailableError();
        watch.segments.add(request.segment?.segment ?? -1);
        watch.inFlight += 1;
        watch.maxInFlight = Math.max(watch.maxInFlight, watch.inFlight);
        try {
          return await t.core.itemStore.scanPage(request);
        } finally {
          watch.inFlight -= 1;
          if (watch.inFlight === 0) watch.settled.emit('idle');
        }
      },
    };
    return { store, watch };
  }

  it('reads every item exactly once in a parallel scan, one page in flight per segment', async () => {
    const { store, watch } = watchedStore();
    const service = createItemService({ store, scanPageItems: 4, scanSegments: 3 });
    const seen: string[] = [];
    for await (const page of service.scanAll()) {
      expect(page.length).toBeLessThanOrEqual(4);
      seen.push(...page.map((item) => item.id));
    }
    expect(seen).toHaveLength(ids.size);
    expect(new Set(seen)).toEqual(ids);
    expect(watch.segments).toEqual(new Set([0, 1, 2]));
    expect(watch.maxInFlight).toBeLessThanOrEqual(3);
    expect(watch.calls).toBeGreaterThanOrEqual(Math.ceil(ids.size / 4));
  });

  it('stops reading when the caller stops, and a failed read ends the scan with its error', async () => {
    const early = watchedStore();
    for await (const page of createItemService({ store: early.store, scanPageItems: 4, scanSegments: 2 }).scanAll()) {
      expect(page.length).toBeGreaterThan(0);
      break;
    }
    const callsAtStop = early.watch.calls;
    // The reads already in flight when the caller stopped finish; none is started after them.
    if (early.watch.inFlight > 0) await once(early.watch.settled, 'idle');
    await new Promise((resolve) => setImmediate(resolve));
    expect(early.watch.calls).toBe(callsAtStop);
    expect(callsAtStop).toBeLessThanOrEqual(3);

    const failing = watchedStore({ failOnCall: 4 });
    const read = async (): Promise<number> => {
      let n = 0;
      for await (const page of createItemService({ store: failing.store, scanPageItems: 4, scanSegments: 2 }).scanAll()) n += page.length;
      return n;
    };
    await expect(read()).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
