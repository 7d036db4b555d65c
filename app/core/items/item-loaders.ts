import DataLoader from 'dataloader';
import { assertValidKey, type Item } from './item';
import { BATCH_GET_MAX_KEYS } from './dynamo-item-store';
import type { ItemStore } from './item-store';

export interface ItemLoaders {
  itemById: DataLoader<string, Item | null>;
}

/**
 * Loaders for one request. Each DataLoader memoises what it has loaded, so a
 * new set must be built per request (in the GraphQL context) or one user would
 * see another's cached reads.
 *
 * All `item` and `itemsByIds` lookups made while one GraphQL operation resolves
 * are collected into BatchGetItem calls of up to 100 keys: 250 ids cost 3 calls.
 *
 * @example
 * const { itemById } = createItemLoaders(store);
 * const [a, b] = await Promise.all([itemById.load('a'), itemById.load('b')]); // one BatchGetItem
 */
export function createItemLoaders(store: ItemStore): ItemLoaders {
  const itemById = new DataLoader<string, Item | null>(
    async (ids) => {
      // A bad key fails only its own load, not the whole batch.
      const problems = ids.map((id) => {
        try {
          assertValidKey(id);
          return null;
        } catch (error) {
          return error as Error;
        }
      });
      const valid = ids.filter((_, i) => problems[i] === null);
      const results = await store.batchGet(valid);
      const byId = new Map(valid.map((id, i) => [id, results[i] ?? null]));
      return ids.map((id, i) => problems[i] ?? byId.get(id) ?? null);
    },
    // The store chunks by 100 itself; letting DataLoader hand it everything at once
    // lets the chunks run in parallel.
    { maxBatchSize: BATCH_GET_MAX_KEYS * 10 },
  );
  return { itemById };
}
