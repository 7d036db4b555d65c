import { ValidationError } from '../../../app/core/errors';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse as parseGraphql, type ObjectTypeDefinitionNode } from 'graphql';
import { parse } from 'yaml';
import {
  assertValidData,
  assertValidKey,
  canonicalJson,
  ITEM_ATTRIBUTE_NAMES,
  MAX_NESTING_DEPTH,
  REST_ATTRIBUTES,
  toRestBody,
} from '../../../app/core/items/item';
import { PROJECTION } from '../../../app/core/items/dynamo-item-store';
import { sortedJson } from '../../support/json';
import { decodeCursor, encodeCursor } from '../../../app/core/items/cursor';

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i += 1) value = { a: value };
  return value;
}

describe('assertValidData', () => {
  it.each([undefined, null, false, 0, '', {}])('rejects %j with the original message', (data) => {
    expect(() => assertValidData(data)).toThrow(new ValidationError('No data provided'));
  });

  it.each([[[1, 2]], ['hello'], [true], [42]])('rejects the non-object %j', (data) => {
    expect(() => assertValidData(data)).toThrow('Data must be a JSON object');
  });

  it('accepts every JSON type inside an object', () => {
    expect(() => assertValidData({ i: 1, f: 1.5, n: null, b: false, s: 'ü', a: [1, [2]], o: { x: {} } })).not.toThrow();
  });

  it(`accepts ${MAX_NESTING_DEPTH} levels of nesting and rejects ${MAX_NESTING_DEPTH + 1}`, () => {
    expect(() => assertValidData(nested(MAX_NESTING_DEPTH))).not.toThrow();
    expect(() => assertValidData(nested(MAX_NESTING_DEPTH + 1))).toThrow('nested too deeply');
  });

  it('counts arrays as nesting levels', () => {
    let value: unknown = 1;
    for (let i = 0; i < MAX_NESTING_DEPTH; i += 1) value = [value];
    expect(() => assertValidData({ a: value })).toThrow('nested too deeply');
  });

  it.each([1e126, -1e130, 1e-131, Number.MAX_VALUE])('rejects %d, outside the DynamoDB number range', (n) => {
    expect(() => assertValidData({ n })).toThrow('magnitude');
  });

  it('rejects lone surrogates in values and keys', () => {
    expect(() => assertValidData({ s: '\ud800' })).toThrow('valid Unicode');
    expect(() => assertValidData({ '\udc00': 1 })).toThrow('valid Unicode');
  });

  it('rejects "__proto__" as a key at any depth (it would not round-trip), but not its look-alikes', () => {
    expect(() => assertValidData(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow('"__proto__" cannot be used');
    expect(() => assertValidData(JSON.parse('{"a": [{"__proto__": 1}]}'))).toThrow('"__proto__" cannot be used');
    expect(() => assertValidData(JSON.parse('{"constructor": {"prototype": 1}, "__proto": 1, "prototype": 2}'))).not.toThrow();
  });
});

describe('assertValidKey', () => {
  it('accepts 2048 bytes and rejects 2049', () => {
    expect(() => assertValidKey('k'.repeat(2048))).not.toThrow();
    expect(() => assertValidKey('k'.repeat(2049))).toThrow('at most 2048 bytes');
  });

  it('counts bytes, not characters', () => {
    expect(() => assertValidKey('é'.repeat(1024))).not.toThrow();
    expect(() => assertValidKey('é'.repeat(1025))).toThrow('at most 2048 bytes');
  });

  it('rejects an empty key', () => {
    expect(() => assertValidKey('')).toThrow('must not be empty');
  });
});

describe('cursors', () => {
  it('round-trips a key as url-safe text', () => {
    const token = encodeCursor({ id: 'a/b+c ü' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(token)).toEqual({ id: 'a/b+c ü' });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['wrong version', Buffer.from('{"v":2,"id":"a"}').toString('base64url')],
    ['extra fields', Buffer.from('{"v":1,"id":"a","x":1}').toString('base64url')],
    ['non-string id', Buffer.from('{"v":1,"id":5}').toString('base64url')],
    ['oversized id', Buffer.from(JSON.stringify({ v: 1, id: 'k'.repeat(3000) })).toString('base64url')],
    ['a JSON array', Buffer.from('[1]').toString('base64url')],
  ])('rejects a cursor that is %s', (_label, token) => {
    expect(() => decodeCursor(token)).toThrow(new ValidationError('Invalid cursor'));
  });
});

describe('canonicalJson', () => {
  it('orders keys at every level, arrays included, and keeps every value', () => {
    const data = { b: 1, a: { d: [{ z: 1, y: 2 }, 3], c: null }, A: 'x' };
    expect(JSON.stringify(canonicalJson(data))).toBe('{"A":"x","a":{"c":null,"d":[{"y":2,"z":1},3]},"b":1}');
  });

  it('orders by code point, as Python does: U+FFFD before U+1F600', () => {
    expect(Object.keys(canonicalJson({ '😀': 1, '\ufffd': 2, a: 3 }))).toEqual(['a', '\ufffd', '😀']);
  });

  it('puts array-index keys first, in numeric order, as every JavaScript object enumerates them', () => {
    expect(Object.keys(canonicalJson({ b: 1, '10': 2, '9': 3, '': 4, '01': 5 }))).toEqual(['9', '10', '', '01', 'b']);
  });

  it('returns values already in order as they are, without copying', () => {
    const data = { a: [1, { b: 2, c: 3 }], d: { e: 'f' } };
    expect(canonicalJson(data)).toBe(data);
  });

  it('copies rather than reorders in place', () => {
    const data = { b: { d: 1, c: 2 }, a: 1 };
    canonicalJson(data);
    expect(Object.keys(data)).toEqual(['b', 'a']);
    expect(Object.keys(data.b)).toEqual(['d', 'c']);
  });

  it('matches an independent sorted serialisation on random JSON, and is idempotent', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.string({ unit: 'binary' }), (value, key) => {
        const ordered = canonicalJson({ [key]: value, ...(typeof value === 'object' && value && !Array.isArray(value) ? value : {}) });
        expect(JSON.stringify(ordered)).toBe(sortedJson(ordered));
        expect(canonicalJson(ordered)).toBe(ordered);
      }),
    );
  });
});

describe("the item's attributes (ITEM_ATTRIBUTES, their one home)", () => {
  const ROOT = join(__dirname, '../../..');

  it("are the properties of openapi/picus.yaml's Item: every attribute the REST body carries, and no other", () => {
    const spec = parse(readFileSync(join(ROOT, 'openapi', 'picus.yaml'), 'utf8'));
    expect(Object.keys(spec.components.schemas.Item.properties).sort()).toEqual([...REST_ATTRIBUTES].sort());
    expect(REST_ATTRIBUTES).not.toContain('version'); // REST's version is the ETag
  });

  it("are the fields of schema/item.graphql's Item, every one of them", () => {
    const document = parseGraphql(readFileSync(join(ROOT, 'schema', 'item.graphql'), 'utf8'));
    const item = document.definitions.find((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Item') as ObjectTypeDefinitionNode;
    expect(item.fields!.map((f) => f.name.value).sort()).toEqual([...ITEM_ATTRIBUTE_NAMES].sort());
  });

  it('make the REST body: the attributes an item has, in code-point order, without its version', () => {
    const body = toRestBody({ id: 'a', data: { x: 1 }, version: 3, updatedBy: 'u', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(JSON.stringify(body)).toBe('{"createdAt":"2026-01-01T00:00:00.000Z","data":{"x":1},"id":"a","updatedBy":"u"}');
  });

  it('are exactly what the store projects', () => {
    expect(PROJECTION.ProjectionExpression).toBe('#id, #data, #createdAt, #createdBy, #version, #updatedAt, #updatedBy');
    expect(Object.values(PROJECTION.ExpressionAttributeNames)).toEqual(ITEM_ATTRIBUTE_NAMES);
  });
});
