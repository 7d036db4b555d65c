import { randomUUID } from 'node:crypto';
import { ValidationError, itemNotFound } from '../errors';
import { decodeCursor, encodeCursor, type CursorKey } from './cursor';
import { assertValidData, assertValidKey, canonicalJson, type Item } from './item';
import type { ItemStore } from './item-store';
import { changeOf, type ItemChange } from './item-changes';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
/**
 * How every item is read: a parallel scan of SCAN_SEGMENTS segments, pages of
 * at most SCAN_PAGE_ITEMS. A single Scan is a chain of calls, each waiting for
 * the one before; segments let DynamoDB's work on some pages overlap ours on
 * others. Small pages keep the objects of one page few enough to die young,
 * so memory stays flat on a table of any size (docs/benchmarks.md).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.ParallelScan
 */
const SCAN_SEGMENTS = 4;
const SCAN_PAGE_ITEMS = 500;
/** More ids per request would let one call fan out into an unbounded number of BatchGetItem calls. */
export const MAX_IDS_PER_REQUEST = 1000;

/** The cap on ids one request may ask for, wherever they are batched (REST has no batch read; GraphQL's itemsByIds). */
export function assertIdCount(ids: readonly string[]): void {
  if (ids.length > MAX_IDS_PER_REQUEST) throw new ValidationError(`At most ${MAX_IDS_PER_REQUEST} ids per request`);
}

function keyProblem(id: string): ValidationError | undefined {
  try {
    assertValidKey(id);
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

export interface PageRequest {
  /** 1..1000; defaults to 100. */
  limit?: number;
  /** A cursor from a previous page. */
  cursor?: string;
}

export interface Page {
  items: Item[];
  /** Cursor of the next page; null when this page is the last. */
  nextCursor: string | null;
}

export interface ItemService {
  /** `by`: who creates it (the token's `sub`), stored as `createdBy`. */
  create(data: unknown, options?: { by?: string }): Promise<Item>;
  /**
   * Replaces an item's data if it is still at `expectedVersion` (unset: whatever its version), keeping createdAt and
   * createdBy and setting updatedAt/updatedBy; same validation and limits as create.
   */
  update(id: string, data: unknown, options: { expectedVersion?: number; by?: string }): Promise<Item>;
  get(id: string): Promise<Item>;
  /**
   * Up to 1000 ids (more: a ValidationError for the whole call); results in the order of `ids`: the item, null
   * when missing, or the ValidationError of an id that is not a valid key, which fails only its own entry.
   */
  getMany(ids: readonly string[]): Promise<(Item | null | ValidationError)[]>;
  listPage(request: PageRequest): Promise<Page>;
  /** Every item, in no particular order, a page at a time, so a caller can stream a table of any size. */
  scanAll(): AsyncIterable<Item[]>;
  /** `by`: who deletes it (the token's `sub`), told to subscribers. */
  delete(id: string, options?: { by?: string }): Promise<Item>;
  /** The cursor that continues a listing after `item`. */
  cursorAfter(item: Item): string;
  ping(): Promise<void>;
}

/**
 * Business rules for items, shared by REST, GraphQL and the DELETE Lambda.
 *
 * @example
 * const items = createItemService({ store });
 * const { id } = await items.create({ name: 'picus' });
 */
export function createItemService(deps: {
  store: ItemStore;
  now?: () => Date;
  scanPageItems?: number;
  scanSegments?: number;
  /** Told of every acknowledged write (subscriptions); never of a failed one, and it cannot fail the write. */
  changed?: (change: ItemChange) => void;
}): ItemService {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const changed = deps.changed ?? (() => undefined);

  return {
    async create(data, options = {}) {
      assertValidData(data);
      // Returned in the order every later read will show (see canonicalJson).
      const item: Item = { id: randomUUID(), data: canonicalJson(data), createdAt: now().toISOString(), version: 1 };
      if (options.by !== undefined) item.createdBy = options.by;
      await store.put(item);
      changed(changeOf('CREATED', item, item.createdAt!, options.by));
      return item;
    },

    async update(id, data, options) {
      assertValidKey(id);
      assertValidData(data);
      if (options.expectedVersion !== undefined && (!Number.isSafeInteger(options.expectedVersion) || options.expectedVersion < 1)) {
        throw new ValidationError('expectedVersion must be a positive integer');
      }
      const updatedAt = now().toISOString();
      const item = await store.update(id, { data: canonicalJson(data), expectedVersion: options.expectedVersion, updatedAt, updatedBy: options.by });
      changed(changeOf('UPDATED', item, updatedAt, options.by));
      return item;
    },

    async get(id) {
      assertValidKey(id);
      const item = await store.get(id);
      if (!item) throw itemNotFound(id);
      return item;
    },

    async getMany(ids) {
      assertIdCount(ids);
      const problems = ids.map(keyProblem);
      const valid = ids.filter((_, i) => problems[i] === undefined);
      const found = await store.batchGet(valid);
      const byId = new Map(valid.map((id, i) => [id, found[i] ?? null]));
      return ids.map((id, i) => problems[i] ?? byId.get(id) ?? null);
    },

    async listPage(request) {
      const limit = request.limit ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
        throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
      }
      let startKey = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
      // Ask for one item more than the page, so "has a next page" is known rather than guessed:
      // DynamoDB returns a LastEvaluatedKey whenever Limit is reached, even at the very end.
      const items: Item[] = [];
      let exhausted = false;
      while (items.length <= limit) {
        const page = await store.scanPage({ limit: limit + 1 - items.length, startKey });
        items.push(...page.items);
        if (!page.lastKey) {
          exhausted = true;
          break;
        }
        startKey = page.lastKey;
      }
      if (exhausted && items.length <= limit) return { items, nextCursor: null };
      const pageItems = items.slice(0, limit);
      const last = pageItems[pageItems.length - 1];
      return { items: pageItems, nextCursor: last ? encodeCursor({ id: last.id }) : null };
    },

    async *scanAll() {
      const limit = deps.scanPageItems ?? SCAN_PAGE_ITEMS;
      const totalSegments = deps.scanSegments ?? SCAN_SEGMENTS;
      const read = (segment: number, startKey?: CursorKey) =>
        store.scanPage({ limit, startKey, segment: { segment, totalSegments } }).then((page) => ({ segment, page }));
      // Each segment reads its next page as soon as its last one arrives, and no further: one page per
      // segment is in flight or waiting, plus the one the caller holds, however large the table is.
      const inFlight = new Map(Array.from({ length: totalSegments }, (_, segment) => [segment, read(segment)]));
      try {
        while (inFlight.size > 0) {
          const { segment, page } = await Promise.race(inFlight.values());
          inFlight.delete(segment);
          if (page.lastKey) inFlight.set(segment, read(segment, page.lastKey));
          if (page.items.length > 0) yield page.items;
        }
      } finally {
        // The caller stopped early (the client went away, or a read failed): the pages still coming are not wanted.
        for (const pending of inFlight.values()) pending.catch(() => undefined);
      }
    },

    async delete(id, options = {}) {
      assertValidKey(id);
      const item = await store.delete(id);
      changed(changeOf('DELETED', item, now().toISOString(), options.by));
      return item;
    },

    cursorAfter(item) {
      return encodeCursor({ id: item.id });
    },

    ping() {
      return store.ping();
    },
  };
}
