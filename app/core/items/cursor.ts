import { ValidationError } from '../errors';
import { assertValidKey } from './item';

/**
 * Page cursors are opaque to clients: base64url of a small JSON document that
 * wraps DynamoDB's `LastEvaluatedKey` (for this table, `{ id }`). REST `?cursor=`
 * and GraphQL `after` take the same tokens. Anything that does not decode to a
 * valid key is rejected, so a forged cursor can never reach DynamoDB as an
 * arbitrary `ExclusiveStartKey`.
 *
 * @example
 * const token = encodeCursor({ id: 'abc' }); // 'eyJ2IjoxLCJpZCI6ImFiYyJ9'
 * decodeCursor(token); // { id: 'abc' }
 */
export interface CursorKey {
  id: string;
}

const VERSION = 1;
/** A key is at most 2048 bytes; its JSON and base64 forms stay well under this. */
const MAX_CURSOR_LENGTH = 12_000;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ v: VERSION, id: key.id }), 'utf8').toString('base64url');
}

export function decodeCursor(token: string): CursorKey {
  const invalid = () => new ValidationError('Invalid cursor');
  if (token.length === 0 || token.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, id, ...rest } = parsed as Record<string, unknown>;
  if (v !== VERSION || typeof id !== 'string' || Object.keys(rest).length > 0) throw invalid();
  try {
    assertValidKey(id);
  } catch {
    throw invalid();
  }
  return { id };
}
