import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpEvent } from '../../lambda/create-handler';

export type EventKind = 'alb' | 'alb-multi-value' | 'apigw-v1' | 'apigw-v2';
export const EVENT_KINDS: EventKind[] = ['alb', 'alb-multi-value', 'apigw-v1', 'apigw-v2'];

/**
 * A real-shaped event from test/fixtures/events for `path` (raw, as sent on
 * the wire). API Gateway events also carry the decoded `{key}` path parameter
 * when the path has the route's shape, as API Gateway would set it.
 */
export function eventFor(kind: EventKind, path: string, method = 'DELETE'): TestEvent {
  const raw: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'events', `${kind}.json`), 'utf8'));
  const segment = /^\/picus\/([^/]+)$/.exec(path)?.[1];
  if (kind === 'apigw-v2') {
    const event = raw as APIGatewayProxyEventV2;
    event.rawPath = path;
    event.requestContext.http.method = method;
    event.requestContext.http.path = path;
    event.pathParameters = segment ? { key: decodeURIComponent(segment) } : undefined;
    return event;
  }
  const event = raw as ALBEvent | APIGatewayProxyEvent;
  event.path = path;
  event.httpMethod = method;
  if (kind === 'apigw-v1') (event as APIGatewayProxyEvent).pathParameters = segment ? { key: decodeURIComponent(segment) } : null;
  return event;
}

/** Any of the events, with the header maps a test may set whatever the kind (the handler reads what is there). */
export type TestEvent = HttpEvent & { headers?: Record<string, string | undefined>; multiValueHeaders?: Record<string, string[] | undefined> };
