import { ValidationError } from '../errors';

/** A JSON object, as stored in the `data` attribute. */
export type JsonObject = { [key: string]: unknown };

/**
 * The stored record. Attribute names are the original's (`id`, `data`), so an
 * existing `picus-data` table keeps working; `createdAt` is new and absent on
 * items the original wrote. `data` is a JSON object for everything we write,
 * but the original also stored arrays, strings and numbers.
 */
export interface Item {
  id: string;
  data: unknown;
  createdAt?: string;
  /** The `sub` of the access token that created it; absent for items written without authentication. */
  createdBy?: string;
  /** 1 when created, bumped by each update; items written before versions existed read as 1. */
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/**
 * The item's attributes: the one list of them, with how each is stored and whether the REST body carries it. The
 * store's projection and conversion, the names its update expression may use, and the REST body are built from it;
 * GraphQL's Item resolves them by name (graphql-js's default resolver, null when absent). openapi/picus.yaml's and
 * schema/item.graphql's Item are held equal to it by test/unit/core/item.test.ts.
 */
export const ITEM_ATTRIBUTES = {
  id: { stored: 'key', rest: true },
  data: { stored: 'data', rest: true },
  createdAt: { stored: 'optional', rest: true },
  createdBy: { stored: 'optional', rest: true },
  // REST sends the version as the ETag (app/wire/etag.ts), not in the body; GraphQL has it as a field.
  version: { stored: 'counter', rest: false },
  updatedAt: { stored: 'optional', rest: true },
  updatedBy: { stored: 'optional', rest: true },
} as const satisfies { readonly [K in keyof Item]-?: { stored: 'key' | 'data' | 'optional' | 'counter'; rest: boolean } };

export type ItemAttribute = keyof typeof ITEM_ATTRIBUTES;
type Table = typeof ITEM_ATTRIBUTES;
/** The string attributes an item may lack (the original wrote none of them). */
export type OptionalAttribute = { [K in ItemAttribute]: Table[K]['stored'] extends 'optional' ? K : never }[ItemAttribute];
/** What the REST body holds, in code-point order (the order the original's Flask responses used, `sort_keys`). */
export type RestAttribute = { [K in ItemAttribute]: Table[K]['rest'] extends true ? K : never }[ItemAttribute];

export const ITEM_ATTRIBUTE_NAMES = Object.keys(ITEM_ATTRIBUTES) as ItemAttribute[];
export const OPTIONAL_ATTRIBUTES = ITEM_ATTRIBUTE_NAMES.filter((name): name is OptionalAttribute => ITEM_ATTRIBUTES[name].stored === 'optional');
export const REST_ATTRIBUTES = ITEM_ATTRIBUTE_NAMES.filter((name): name is RestAttribute => ITEM_ATTRIBUTES[name].rest).sort();

/** An item as the REST body shows it: the REST attributes it has, in the table's order. */
export function toRestBody(item: Item): Partial<Pick<Item, RestAttribute>> {
  const body: Partial<Pick<Item, RestAttribute>> = {};
  for (const name of REST_ATTRIBUTES) {
    const value = item[name];
    if (value !== undefined) (body as Record<string, unknown>)[name] = value;
  }
  return body;
}

/** DynamoDB's limits: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html */
export const MAX_KEY_BYTES = 2048;
/** Nesting levels DynamoDB allows in one attribute; `data` itself is level 1. */
export const MAX_NESTING_DEPTH = 32;
/** Largest magnitude of a DynamoDB number is 9.9999999999999999999999999999999999999E+125. */
const MAX_NUMBER_MAGNITUDE = 1e126;
/** Smallest non-zero magnitude is 1E-130. */
const MIN_NUMBER_MAGNITUDE = 1e-130;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks an item key. Keys are 1 to 2048 UTF-8 bytes (DynamoDB's partition key limit).
 *
 * @example
 * assertValidKey('3f0c...'); // ok
 * assertValidKey('x'.repeat(3000)); // throws ValidationError
 */
export function assertValidKey(id: string): void {
  if (id.length === 0) throw new ValidationError('Item id must not be empty');
  // Byte length can only exceed the limit when the UTF-16 length is at least a third of it.
  if (id.length * 3 > MAX_KEY_BYTES && Buffer.byteLength(id, 'utf8') > MAX_KEY_BYTES) {
    throw new ValidationError(`Item id must be at most ${MAX_KEY_BYTES} bytes`);
  }
  if (!id.isWellFormed()) throw new ValidationError('Item id must be valid Unicode');
}

/**
 * Checks the data of a new item: a non-empty JSON object whose values DynamoDB
 * can store. `{}` keeps the original's message "No data provided".
 */
export function assertValidData(data: unknown): asserts data is JsonObject {
  if (data === undefined || data === null || data === false || data === 0 || data === '') {
    throw new ValidationError('No data provided');
  }
  if (!isJsonObject(data)) {
    throw new ValidationError('Data must be a JSON object');
  }
  if (Object.keys(data).length === 0) throw new ValidationError('No data provided');
  checkValue(data, 1);
}

/** Walks the value once (recursion stops at the depth limit), checking what DynamoDB or JSON would reject. */
function checkValue(value: unknown, depth: number): void {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    if (!Number.isFinite(value) || magnitude >= MAX_NUMBER_MAGNITUDE || (magnitude !== 0 && magnitude < MIN_NUMBER_MAGNITUDE)) {
      throw new ValidationError('Numbers must have a magnitude between 1e-130 and 1e126 (DynamoDB number range)');
    }
    return;
  }
  if (typeof value === 'string') {
    // A lone surrogate cannot be encoded as UTF-8: DynamoDB would store U+FFFD and the data would not round-trip.
    if (!value.isWellFormed()) throw new ValidationError('Strings must be valid Unicode (no lone surrogates)');
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_NESTING_DEPTH) {
    throw new ValidationError(`Data is nested too deeply: at most ${MAX_NESTING_DEPTH} levels are allowed`);
  }
  if (Array.isArray(value)) {
    for (const element of value) checkValue(element, depth + 1);
    return;
  }
  for (const [key, element] of Object.entries(value)) {
    if (key.length === 0) throw new ValidationError('Object keys must not be empty');
    if (!key.isWellFormed()) throw new ValidationError('Object keys must be valid Unicode (no lone surrogates)');
    // The SDK builds maps with plain assignment, where "__proto__" sets a prototype instead of a key: it could not round-trip.
    if (key === '__proto__') throw new ValidationError('"__proto__" cannot be used as an object key');
    checkValue(element, depth + 1);
  }
}

/**
 * The same JSON with every object's keys in code-point order, at every level
 * (keys that are array indices, such as "0" or "42", come first in numeric
 * order: every JavaScript object enumerates them that way, whatever the insertion order).
 *
 * DynamoDB keeps a map's entries in no particular order ("an unordered collection
 * of name-value pairs": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html);
 * dynalite happens to keep the order written and DynamoDB Local does not. Fixing
 * the order here makes every read of an item the same bytes, on every server and
 * through REST and GraphQL alike, and it is the order the original's Flask
 * responses used (`sort_keys`, Python's code-point order). Values that are
 * already in order come back as they are, without a copy.
 *
 * @example
 * canonicalJson({ b: 1, a: { d: 2, c: 3 } }); // { a: { c: 3, d: 2 }, b: 1 }
 */
export function canonicalJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i += 1) {
      const element: unknown = value[i];
      const ordered = canonicalJson(element);
      if (ordered !== element) (copy ??= value.slice())[i] = ordered;
    }
    return (copy ?? value) as T;
  }
  const object = value as JsonObject;
  const keys = Object.keys(object);
  let changed = false;
  for (let i = 1; i < keys.length && !changed; i += 1) changed = byKeyOrder(keys[i - 1]!, keys[i]!) > 0;
  const values = keys.map((key) => {
    const ordered = canonicalJson(object[key]);
    if (ordered !== object[key]) changed = true;
    return ordered;
  });
  if (!changed) return value;
  const order = keys.map((_, i) => i).sort((a, b) => byKeyOrder(keys[a]!, keys[b]!));
  const result: JsonObject = {};
  for (const i of order) result[keys[i]!] = values[i];
  return result as T;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
/** Checked for every key of every item read, so the common case (not a digit first) skips the regular expression. */
const isArrayIndex = (key: string): boolean => {
  const first = key.charCodeAt(0);
  return first >= 0x30 && first <= 0x39 && ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1;
};

function byKeyOrder(a: string, b: string): number {
  const indexA = isArrayIndex(a);
  const indexB = isArrayIndex(b);
  if (indexA || indexB) return indexA && indexB ? Number(a) - Number(b) : indexA ? -1 : 1;
  return byCodePoint(a, b);
}

/**
 * Compares by Unicode code point, as Python does, not by UTF-16 code unit as
 * `<` does: the two differ only where a surrogate pair (U+10000 and up) meets
 * a character from U+E000 to U+FFFF.
 */
function byCodePoint(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
