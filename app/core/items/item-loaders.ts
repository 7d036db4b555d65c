import DataLoader from 'dataloader';
import type { Item } from './item';
import { assertIdCount, MAX_IDS_PER_REQUEST, type ItemService } from './item-service';

export interface ItemLoaders {
  itemById: DataLoader<string, Item | null>;
  /** Many ids at once, capped as the service caps them; a bad id is an Error in its own place. */
  loadMany(ids: readonly string[]): Promise<(Item | null | Error)[]>;
}

/**
 * Loaders for one request. Each DataLoader memoises what it has loaded, so a
 * new set must be built per request (in the GraphQL context) or one user would
 * see another's cached reads.
 *
 * All `item` and `itemsByIds` lookups made while one GraphQL operation resolves
 * are collected into one `getMany` of the service (its key checks, its cap), which
 * the store turns into BatchGetItem calls of up to 100 keys: 250 ids cost 3 calls.
 *
 * @example
 * const { itemById } = createItemLoaders(itemService);
 * const [a, b] = await Promise.all([itemById.load('a'), itemById.load('b')]); // one BatchGetItem
 */
export function createItemLoaders(service: ItemService): ItemLoaders {
  // Batches of the service's cap: the store chunks by 100 itself and runs the chunks in parallel.
  const itemById = new DataLoader<string, Item | null>((ids) => service.getMany(ids), { maxBatchSize: MAX_IDS_PER_REQUEST });
  return {
    itemById,
    loadMany(ids) {
      assertIdCount(ids);
      return itemById.loadMany(ids);
    },
  };
}
