import type { CursorKey } from './cursor';
import type { Item } from './item';

export interface ScanPageRequest {
  /** At most this many items (DynamoDB `Limit`); unset reads one 1 MB page. */
  limit?: number;
  /** Continue after this key (DynamoDB `ExclusiveStartKey`). */
  startKey?: CursorKey;
  /** A parallel scan's part: read only segment `segment` of `totalSegments` (DynamoDB `Segment`, `TotalSegments`). */
  segment?: { segment: number; totalSegments: number };
}

export interface ScanPage {
  items: Item[];
  /** DynamoDB's `LastEvaluatedKey`: present while the scan may have more. */
  lastKey?: CursorKey;
}

/**
 * Persistence of items. The DynamoDB adapter is the only implementation: tests
 * point it at a DynamoDB-compatible server instead of faking it.
 */
export interface ItemStore {
  /** Strongly consistent read; null when absent. */
  get(id: string): Promise<Item | null>;
  /** Results in the order of `ids`, null for missing ones; duplicates allowed. */
  batchGet(ids: readonly string[]): Promise<(Item | null)[]>;
  /** Writes a new item; `version` absent writes an item as the original service did (read back as version 1). */
  put(item: Omit<Item, 'version'> & { version?: number }): Promise<void>;
  /** One Scan call. */
  scanPage(request: ScanPageRequest): Promise<ScanPage>;
  /**
   * Replaces `data` in one conditional write and bumps the version; `expectedVersion` unset: any version.
   * Throws NotFoundError when absent, VersionConflictError (with the current version) when it moved on.
   */
  update(id: string, change: { data: unknown; expectedVersion?: number; updatedAt: string; updatedBy?: string }): Promise<Item>;
  /** Atomic delete-if-exists; returns the deleted item, throws NotFoundError when absent. */
  delete(id: string): Promise<Item>;
  /** Cheapest call that proves the table answers (readiness). */
  ping(): Promise<void>;
}
