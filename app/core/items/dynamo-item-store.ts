import { BatchGetCommand, DeleteCommand, UpdateCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DatabaseUnavailableError, PayloadTooLargeError, ValidationError, VersionConflictError, itemNotFound } from '../errors';
import type { CursorKey } from './cursor';
import { ITEM_ATTRIBUTE_NAMES, MAX_KEY_BYTES, OPTIONAL_ATTRIBUTES, canonicalJson, type Item, type ItemAttribute } from './item';
import type { ItemStore, ScanPage, ScanPageRequest } from './item-store';

export interface DynamoItemStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Calls in a row that may leave every key in `UnprocessedKeys` (throttled) before giving up. */
  batchGetMaxAttempts?: number;
  /** Base of the exponential backoff between those attempts. */
  batchGetBackoffMs?: number;
}

/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_MAX_KEYS = 100;

/**
 * Only the attributes we model are read, so unrelated attributes on old items cost no bandwidth.
 * Exported for the benchmark floors, which must make exactly the calls this store makes.
 */
export const PROJECTION = {
  ProjectionExpression: ITEM_ATTRIBUTE_NAMES.map((name) => `#${name}`).join(', '),
  ExpressionAttributeNames: attributeNames(...ITEM_ATTRIBUTE_NAMES),
};

/** `#name` placeholders for attributes of the table only: an expression cannot name one the item does not have. */
function attributeNames(...names: ItemAttribute[]): Record<string, ItemAttribute> {
  return Object.fromEntries(names.map((name) => [`#${name}`, name]));
}

/** A key nobody writes (uuids only), read to prove the table answers. */
const READINESS_PROBE_KEY = 'picus-readiness-probe';

/**
 * The DynamoDB adapter: the one place that knows DynamoDB's API and errors.
 *
 * @example
 * const store = createDynamoItemStore({ doc, tableName: config.tableName });
 * await store.put({ id, data: { a: 1 }, createdAt: new Date().toISOString() });
 */
export function createDynamoItemStore(options: DynamoItemStoreOptions): ItemStore {
  const { doc, tableName } = options;
  const maxAttempts = options.batchGetMaxAttempts ?? 8;
  const backoffMs = options.batchGetBackoffMs ?? 25;

  async function batchGetChunk(ids: string[], found: Map<string, Item>): Promise<void> {
    let keys: Record<string, unknown>[] = ids.map((id) => ({ id }));
    // Only calls that read nothing count against the budget: a response cut at its 16 MB limit
    // made progress and is followed up at once; a throttled one (nothing read) backs off.
    for (let stalled = 0; keys.length > 0;) {
      if (stalled >= maxAttempts) {
        throw new DatabaseUnavailableError(undefined, { cause: new Error(`${keys.length} keys still unprocessed after ${maxAttempts} attempts`) });
      }
      // Exponential backoff with full jitter, as AWS recommends for UnprocessedKeys.
      if (stalled > 0) await sleep(Math.random() * Math.min(2000, backoffMs * 2 ** stalled));
      const result = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true, ...PROJECTION } } }));
      const records = result.Responses?.[tableName] ?? [];
      for (const record of records) {
        const item = toItem(record);
        found.set(item.id, item);
      }
      const unprocessed = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      stalled = unprocessed.length < keys.length ? 0 : stalled + 1;
      keys = unprocessed;
    }
  }

  async function get(id: string): Promise<Item | null> {
    try {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true, ...PROJECTION }));
      return result.Item ? toItem(result.Item) : null;
    } catch (error) {
      throw translateError(error);
    }
  }

  return {
    get,

    async batchGet(ids) {
      // Duplicate keys in one call are a ValidationException; order is not guaranteed either.
      const unique = [...new Set(ids)];
      const found = new Map<string, Item>();
      try {
        const chunks: string[][] = [];
        for (let i = 0; i < unique.length; i += BATCH_GET_MAX_KEYS) chunks.push(unique.slice(i, i + BATCH_GET_MAX_KEYS));
        await Promise.all(chunks.map((chunk) => batchGetChunk(chunk, found)));
      } catch (error) {
        throw translateError(error);
      }
      return ids.map((id) => found.get(id) ?? null);
    },

    async put(item) {
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: { ...item } }));
      } catch (error) {
        throw translateError(error);
      }
    },

    async scanPage(request: ScanPageRequest): Promise<ScanPage> {
      try {
        const result = await doc.send(
          new ScanCommand({
            TableName: tableName,
            Limit: request.limit,
            ExclusiveStartKey: request.startKey ? { id: request.startKey.id } : undefined,
            Segment: request.segment?.segment,
            TotalSegments: request.segment?.totalSegments,
            ...PROJECTION,
          }),
        );
        const lastKey = result.LastEvaluatedKey ? toCursorKey(result.LastEvaluatedKey) : undefined;
        return { items: (result.Items ?? []).map(toItem), lastKey };
      } catch (error) {
        throw translateError(error);
      }
    },

    async update(id, change) {
      const { data, expectedVersion, updatedAt, updatedBy } = change;
      // One conditional write: the item must exist and, when a version is named, still be at it (an item from before
      // versions counts as 1). Concurrent updates from one version: exactly one succeeds.
      const condition =
        expectedVersion === undefined
          ? 'attribute_exists(#id)'
          : 'attribute_exists(#id) AND (#version = :expected OR (attribute_not_exists(#version) AND :expected = :one))';
      try {
        const result = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: `SET #data = :data, #version = if_not_exists(#version, :one) + :one, #updatedAt = :at${updatedBy === undefined ? '' : ', #updatedBy = :by'}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: attributeNames('id', 'data', 'version', 'updatedAt', ...(updatedBy === undefined ? [] : (['updatedBy'] as const))),
            ExpressionAttributeValues: {
              ':data': data,
              ':one': 1,
              ':at': updatedAt,
              ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
              ...(updatedBy === undefined ? {} : { ':by': updatedBy }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toItem(result.Attributes ?? {});
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw translateError(error);
        // Missing, or moved on: one read tells which (no emulator returns the item with the failure).
        const current = await get(id);
        if (!current) throw itemNotFound(id, { cause: error });
        throw new VersionConflictError(id, current.version, undefined, { cause: error });
      }
    },

    async delete(id) {
      try {
        // One conditional call: concurrent deletes of one id get exactly one success.
        const result = await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { id },
            ConditionExpression: 'attribute_exists(#id)',
            ExpressionAttributeNames: attributeNames('id'),
            ReturnValues: 'ALL_OLD',
          }),
        );
        if (!result.Attributes) throw itemNotFound(id);
        return toItem(result.Attributes);
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw itemNotFound(id, { cause: error });
        throw translateError(error);
      }
    },

    async ping() {
      try {
        await doc.send(
          new GetCommand({
            TableName: tableName,
            Key: { id: READINESS_PROBE_KEY },
            ProjectionExpression: '#id',
            ExpressionAttributeNames: attributeNames('id'),
          }),
        );
      } catch (error) {
        throw translateError(error);
      }
    },
  };
}

/** An item from its DynamoDB attributes (a read, or a stream record's image). */
export function toItem(record: Record<string, unknown>): Item {
  // DynamoDB maps come back in no fixed order; callers always see one.
  const item: Item = { id: String(record.id), data: canonicalJson(record.data ?? null), version: typeof record.version === 'number' ? record.version : 1 };
  for (const name of OPTIONAL_ATTRIBUTES) {
    const value = record[name];
    if (typeof value === 'string') item[name] = value;
  }
  return item;
}

function toCursorKey(key: Record<string, unknown>): CursorKey {
  return { id: String(key.id) };
}

/** Error names DynamoDB or the SDK use when a retry later may succeed. */
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // The table is missing or still being created: a deployment problem the client can only wait out.
  'ResourceNotFoundException',
  'ResourceInUseException',
]);

/** Socket-level failures: the endpoint is down or unreachable. */
const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED'];
/**
 * The SDK's retry layer re-wraps errors that fail `instanceof Object` (errors from another
 * realm) into a bare Error whose message is all that is left of the code.
 */
const NETWORK_MESSAGE = new RegExp(`\\b(${NETWORK_CODES.join('|')})\\b|socket hang up`);

/**
 * Turns SDK and DynamoDB errors into domain errors, keeping the original as `cause`.
 * Anything unrecognised is returned unchanged and ends up as an internal error.
 */
export function translateError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  const code = (error as { code?: unknown }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const network = (typeof code === 'string' && NETWORK_CODES.includes(code)) || NETWORK_MESSAGE.test(error.message);

  if (UNAVAILABLE_NAMES.has(name) || network || (status !== undefined && status >= 500)) {
    return new DatabaseUnavailableError(undefined, { cause: error });
  }
  if (name === 'ValidationException') {
    const message = error.message;
    if (/item size|size has exceeded|exceeds? the maximum allowed size|too large/i.test(message) && !/key/i.test(message)) {
      return new PayloadTooLargeError('Item is too large: DynamoDB stores at most 400 KB per item', { cause: error });
    }
    if (/nest/i.test(message)) return new ValidationError('Data is nested too deeply: at most 32 levels are allowed', { cause: error });
    if (/key/i.test(message) && /(size|length|limit)/i.test(message)) {
      return new ValidationError(`Item id must be at most ${MAX_KEY_BYTES} bytes`, { cause: error });
    }
    if (/number/i.test(message)) return new ValidationError('A number is outside the range DynamoDB can store', { cause: error });
    return new ValidationError('The database rejected the item as invalid', { cause: error });
  }
  return error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
