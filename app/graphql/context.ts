import { SCOPES, type Scope } from '../core/auth/access';
import type { Principal } from '../core/auth/token-verifier';
import { ForbiddenError } from '../core/errors';
import type { Item } from '../core/items/item';
import type { ItemChange } from '../core/items/item-changes';
import type { ItemService } from '../core/items/item-service';
import { createItemLoaders, type ItemLoaders } from '../core/items/item-loaders';

export interface GraphQLContext {
  itemService: ItemService;
  /** New per request: DataLoader caches must never be shared between users. */
  loaders: ItemLoaders;
  /** Logged as `requestId` with anything logged about this operation. */
  requestId: string;
  /** The verified caller; undefined with authentication off (then every field is allowed). */
  principal: Principal | undefined;
  /** True when tokens are checked: a field then needs its scope. */
  authEnforced: boolean;
  /** Deletes through the DELETE Lambda with the caller's token; resolves with the deleted item. */
  deleteItem(id: string): Promise<Item>;
  /** The changes a subscription streams (only over WebSocket: app/graphql/subscriptions.ts); HTTP has none. */
  changes?(id: string | undefined): AsyncIterableIterator<ItemChange>;
}

export function createContext(deps: {
  itemService: ItemService;
  requestId: string;
  principal?: Principal;
  authEnforced: boolean;
  deleteItem: (id: string) => Promise<Item>;
  changes?: (id: string | undefined) => AsyncIterableIterator<ItemChange>;
}): GraphQLContext {
  return {
    itemService: deps.itemService,
    loaders: createItemLoaders(deps.itemService),
    requestId: deps.requestId,
    principal: deps.principal,
    authEnforced: deps.authEnforced,
    deleteItem: deps.deleteItem,
    changes: deps.changes,
  };
}

/**
 * Fails one field (null, with extensions.code FORBIDDEN) when the token lacks the scope; the rest of the operation
 * is still answered. The HTTP layer has already refused a missing or invalid token with 401.
 */
export function requireScope(context: GraphQLContext, scope: Scope): void {
  if (context.authEnforced && !context.principal?.scopes.has(scope)) throw new ForbiddenError(scope);
}

export { SCOPES };
