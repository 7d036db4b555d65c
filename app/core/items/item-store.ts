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
  put(item: Item): Promise<void>;
  /** One Scan call. */
  scanPage(request: ScanPageRequest): Promise<ScanPage>;
  /** Atomic delete-if-exists; returns the deleted item, throws NotFoundError when absent. */
  delete(id: string): Promise<Item>;
  /** Cheapest call that proves the table answers (readiness). */
  ping(): Promise<void>;
}
