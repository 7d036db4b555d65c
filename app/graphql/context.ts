import type { ItemService } from '../core/items/item-service';
import { createItemLoaders, type ItemLoaders } from '../core/items/item-loaders';
import type { ItemStore } from '../core/items/item-store';

export interface GraphQLContext {
  itemService: ItemService;
  /** New per request: DataLoader caches must never be shared between users. */
  loaders: ItemLoaders;
  /** Logged as `requestId` with anything logged about this operation. */
  requestId: string;
}

export function createContext(deps: { itemService: ItemService; itemStore: ItemStore; requestId: string }): GraphQLContext {
  return { itemService: deps.itemService, loaders: createItemLoaders(deps.itemStore), requestId: deps.requestId };
}
