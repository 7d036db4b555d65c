import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpEvent } from '../../lambda/create-handler';

export type EventKind = 'alb' | 'alb-multi-value' | 'apigw-v1' | 'apigw-v2';
export const EVENT_KINDS: EventKind[] = ['alb', 'alb-multi-value', 'apigw-v1', 'apigw-v2'];

/**
 * A real-shaped event from test/fixtures/events for `path` (raw, as sent on
 * the wire). API Gateway events also carry the decoded `{key}` path parameter
 * when the path has the route's shape, as API Gateway would set it.
 */
export function eventFor(kind: EventKind, path: string, method = 'DELETE'): HttpEvent {
  const event = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'events', `${kind}.json`), 'utf8')) as HttpEvent;
  const segment = /^\/picus\/([^/]+)$/.exec(path)?.[1];
  if (kind === 'apigw-v2') {
    event.rawPath = path;
    event.requestContext!.http!.method = method;
    event.requestContext!.http!['path' as 'method'] = path;
    event.pathParameters = segment ? { key: decodeURIComponent(segment) } : undefined;
  } else {
    event.path = path;
    event.httpMethod = method;
    if (kind === 'apigw-v1') event.pathParameters = segment ? { key: decodeURIComponent(segment) } : null;
  }
  return event;
}
