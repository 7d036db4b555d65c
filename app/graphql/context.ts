import type { ItemService } from '../core/items/item-service';
import { createItemLoaders, type ItemLoaders } from '../core/items/item-loaders';
import type { ItemStore } from '../core/items/item-store';
import type { Logger } from '../core/logger';

export interface GraphQLContext {
  itemService: ItemService;
  /** New per request: DataLoader caches must never be shared between users. */
  loaders: ItemLoaders;
  log: Logger;
  requestId: string;
}

export function createContext(deps: { itemService: ItemService; itemStore: ItemStore; log: Logger; requestId: string }): GraphQLContext {
  return { itemService: deps.itemService, loaders: createItemLoaders(deps.itemStore), log: deps.log, requestId: deps.requestId };
}
