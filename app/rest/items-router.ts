import express, { type Request, type Response } from 'express';
import type { OperationHandlers } from '../http/operations';
import { PreconditionRequiredError, UnsupportedMediaTypeError, ValidationError, VersionConflictError } from '../core/errors';
import { entityTags, etagOf, versionFromEtag } from '../wire/etag';
import { toRestBody } from '../core/items/item';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, type ItemService } from '../core/items/item-service';

/** `+json` types count as JSON, as they did for the original. */
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * The original's routes, wire-compatible: compact JSON, the same messages and
 * status codes, with its defects fixed (see docs/differences.md). One handler
 * per catalogued operation (app/wire/operations.ts), which binds them.
 */
export function itemsHandlers(deps: { itemService: ItemService; maxBodyBytes: number }): OperationHandlers {
  const { itemService } = deps;
  const parseJson = express.json({ limit: deps.maxBodyBytes, strict: false, type: JSON_TYPES });

  const listItems = async (req: Request, res: Response): Promise<void> => {
    const { limit, cursor } = readListQuery(req);
    if (limit === undefined && cursor === undefined) {
      await streamAllItems(itemService, res);
      return;
    }
    const page = await itemService.listPage({ limit, cursor });
    if (page.nextCursor) {
      const next = `/picus/list?limit=${limit ?? DEFAULT_PAGE_SIZE}&cursor=${page.nextCursor}`;
      res.set('Link', `<${next}>; rel="next"`);
    }
    res.json(page.items.map(toResponseItem));
  };

  const requireJson = (req: Request, _res: Response, next: () => void): void => {
    // An empty body has no type to check: the service answers "No data provided".
    // (req.is() is null without a body, but counts `Content-Length: 0` as one.)
    const empty = req.headers['content-length'] === '0';
    if (!empty && req.is(JSON_TYPES) === false) {
      throw new UnsupportedMediaTypeError('Content-Type must be application/json');
    }
    next();
  };

  const createItem = async (req: Request, res: Response): Promise<void> => {
    const item = await itemService.create(req.body, { by: res.locals.principal?.sub });
    res
      .status(201)
      .location(`/picus/get/${encodeURIComponent(item.id)}`)
      .json({ id: item.id });
  };

  const getItem = async (req: Request, res: Response): Promise<void> => {
    const item = await itemService.get(req.params.key as string);
    const etag = etagOf(item);
    res.set('ETag', etag);
    // A client holding this version gets 304 and no body (weak comparison, RFC 9110 13.1.2).
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined) {
      const tags = entityTags(ifNoneMatch);
      if (tags === '*' || tags.some((tag) => tag.replace(/^W\//, '') === etag)) {
        res.status(304).end();
        return;
      }
    }
    res.json(toResponseItem(item));
  };

  // Replace an item's data, only with a precondition: If-Match with the ETag read (or * for any version).
  const replaceItem = async (req: Request, res: Response): Promise<void> => {
    const key = req.params.key as string;
    const ifMatch = req.headers['if-match'];
    if (ifMatch === undefined) throw new PreconditionRequiredError();
    const tags = entityTags(ifMatch);
    let expectedVersion: number | undefined;
    if (tags !== '*') {
      expectedVersion = tags.map((tag) => versionFromEtag(key, tag)).find((v) => v !== undefined);
      if (expectedVersion === undefined) {
        // No tag of this item: 404 if there is none, else 412 with where it stands.
        const current = await itemService.get(key);
        throw new VersionConflictError(key, current.version);
      }
    }
    const item = await itemService.update(key, req.body, { expectedVersion, by: res.locals.principal?.sub });
    res.set('ETag', etagOf(item)).json(toResponseItem(item));
  };

  return { listItems, createItem: [requireJson, parseJson, createItem], getItem, replaceItem: [requireJson, parseJson, replaceItem] };
}

/** Keys in the original's (alphabetical) order; the metadata an item lacks is left out. The version is in the ETag. */
const toResponseItem = toRestBody;

function readListQuery(req: Request): { limit?: number; cursor?: string } {
  const { limit, cursor } = req.query;
  const result: { limit?: number; cursor?: string } = {};
  if (limit !== undefined) {
    if (typeof limit !== 'string' || !/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE_SIZE) {
      throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    result.limit = Number(limit);
  }
  if (cursor !== undefined) {
    if (typeof cursor !== 'string') throw new ValidationError('Invalid cursor');
    result.cursor = cursor;
  }
  return result;
}

/**
 * Writes every item as one JSON array, a DynamoDB page at a time, waiting for
 * the client to take each page before reading the next: memory stays flat
 * however large the table is. The first page is read before the status line
 * is sent, so an unreachable database still gets a proper 503.
 */
async function streamAllItems(itemService: ItemService, res: Response): Promise<void> {
  const pages = itemService.scanAll()[Symbol.asyncIterator]();
  let next = await pages.next();
  res.status(200).type('application/json');
  let separator = '[';
  try {
    while (!next.done) {
      const chunk = next.value.map((item) => JSON.stringify(toResponseItem(item))).join(',');
      if (!res.write(separator + chunk) && !res.destroyed) await drainedOrClosed(res);
      if (res.destroyed) return;
      separator = ',';
      next = await pages.next();
    }
  } finally {
    // The client went away, or the scan failed: stop scanning.
    if (!res.writableEnded) await pages.return?.();
  }
  res.end(separator === '[' ? '[]' : ']');
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
