import type { Item } from './item';

export type ItemChangeKind = 'CREATED' | 'UPDATED' | 'DELETED';

/** One acknowledged write to an item, as subscribers receive it (schema/subscription.graphql's ItemChange). */
export interface ItemChange {
  kind: ItemChangeKind;
  id: string;
  /** The version the write produced; null for a delete. */
  version: number | null;
  /** The item as written; null for a delete. */
  item: Item | null;
  /** When the write was acknowledged (ISO 8601). */
  at: string;
  /** The writer's `sub`; null without authentication. */
  by: string | null;
}

/** Builds the change of an acknowledged write. */
export function changeOf(kind: ItemChangeKind, item: Item, at: string, by: string | undefined): ItemChange {
  return kind === 'DELETED'
    ? { kind, id: item.id, version: null, item: null, at, by: by ?? null }
    : { kind, id: item.id, version: item.version, item, at, by: by ?? null };
}
