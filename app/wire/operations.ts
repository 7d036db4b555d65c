/**
 * The catalogue of operations: everything the API serves, written once. Each layer is derived from it, so a request
 * that matches no entry is refused everywhere and the next operation added cannot open a path around the token check:
 * - the service binds one handler per service entry and refuses to start otherwise (app/http/operations.ts), and
 *   answers anything else 404, or 405 with `Allow` for a catalogued path, before any handler runs;
 * - the ALB's listener rules (terraform/modules/alb/listener-rules.json, generated from here by `npm run generate`,
 *   checked by `generate:check`) give each path its own rule with the scope named here, and a fixed 404 otherwise;
 *   the local ALB reads the same file;
 * - the DELETE Lambda serves exactly its entry (lambda/create-handler.ts);
 * - CORS preflights and `Allow` list the methods of the path asked about, whoever serves them;
 * - openapi/picus.yaml publishes the entries marked `openapi`, with the same operationId, method, path and scope
 *   (test/unit/wire/operations.test.ts fails when they differ).
 *
 * Paths are matched exactly on the raw request path: case-sensitive, no trailing slash, no empty or dot segments, no
 * decoding before matching. `{name}` is one non-empty segment, percent-decoded once after matching.
 */

import { SCOPES, type Scope } from '../core/auth/access';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Target = 'service' | 'lambda';

/**
 * What a caller must present: nothing (`open`), any valid token (`token`: GraphQL checks a scope per field), or a
 * token holding that scope.
 */
export type Auth = 'open' | 'token' | Scope;

export interface Operation {
  /** Unique; for REST operations, the operationId openapi/picus.yaml gives it. */
  readonly id: string;
  readonly method: Method;
  readonly path: string;
  readonly target: Target;
  readonly auth: Auth;
  /** Concrete paths the template would match that are another resource: the original's own `/picus/put` and `/picus/list`. */
  readonly except?: readonly string[];
  /** Served outside production only (the reference pages, a development tool). */
  readonly developmentOnly?: boolean;
  /** Published in openapi/picus.yaml; GraphQL describes itself, and the documents and pages are not the API. */
  readonly openapi: boolean;
  /**
   * The operation also upgrades to this WebSocket subprotocol. Browsers cannot set headers on a WebSocket, so the
   * upgrade carries no token: it is checked inside the protocol (connection_init) by the service, and the ALB forwards
   * an upgrade of this path on a rule of its own, without jwt-validation (`upgrade_priority`).
   */
  readonly websocket?: { readonly protocol: 'graphql-transport-ws'; readonly priority: number };
  /**
   * The ALB listener rule's priority, unique, fixed once given: a rule that changed priority on a later apply could
   * collide with another mid-update. Where patterns overlap for one method, the more specific path comes first.
   */
  readonly priority: number;
}

export const OPERATIONS = [
  { id: 'health', method: 'GET', path: '/health', target: 'service', auth: 'open', openapi: true, priority: 5 },
  { id: 'ready', method: 'GET', path: '/ready', target: 'service', auth: 'open', openapi: true, priority: 6 },
  { id: 'listItems', method: 'GET', path: '/picus/list', target: 'service', auth: SCOPES.read, openapi: true, priority: 10 },
  { id: 'createItem', method: 'POST', path: '/picus/put', target: 'service', auth: SCOPES.write, openapi: true, priority: 20 },
  { id: 'getItem', method: 'GET', path: '/picus/get/{key}', target: 'service', auth: SCOPES.read, openapi: true, priority: 30 },
  // PUT /picus/put and PUT /picus/list keep the original's 405; DELETE /picus/list deletes the item "list", as the
  // original's ALB rule sent every DELETE /picus/* to its Lambda.
  {
    id: 'replaceItem',
    method: 'PUT',
    path: '/picus/{key}',
    target: 'service',
    auth: SCOPES.write,
    except: ['/picus/put', '/picus/list'],
    openapi: true,
    priority: 35,
  },
  { id: 'deleteItem', method: 'DELETE', path: '/picus/{key}', target: 'lambda', auth: SCOPES.delete, openapi: true, priority: 40 },
  { id: 'graphqlPost', method: 'POST', path: '/graphql', target: 'service', auth: 'token', openapi: false, priority: 50 },
  {
    id: 'graphqlGet',
    method: 'GET',
    path: '/graphql',
    target: 'service',
    auth: 'token',
    openapi: false,
    priority: 51,
    websocket: { protocol: 'graphql-transport-ws', priority: 49 },
  },
  { id: 'openapiJson', method: 'GET', path: '/openapi.json', target: 'service', auth: 'open', openapi: false, priority: 60 },
  { id: 'openapiYaml', method: 'GET', path: '/openapi.yaml', target: 'service', auth: 'open', openapi: false, priority: 61 },
  { id: 'referencePage', method: 'GET', path: '/docs', target: 'service', auth: 'open', developmentOnly: true, openapi: false, priority: 70 },
  { id: 'referenceAsset', method: 'GET', path: '/docs/assets/{asset}', target: 'service', auth: 'open', developmentOnly: true, openapi: false, priority: 71 },
] as const satisfies readonly Operation[];

export type OperationId = (typeof OPERATIONS)[number]['id'];

/** Which entries a deployment serves: the reference pages only outside production. */
export interface Serving {
  production: boolean;
}

export const servedOperations = (serving: Serving): readonly Operation[] =>
  OPERATIONS.filter((operation: Operation) => !(serving.production && operation.developmentOnly));

export type Resolution =
  | { kind: 'operation'; operation: Operation; params: Record<string, string> }
  /** A catalogued path, another method: `allow` lists the path's methods (HEAD with GET), whoever serves them. */
  | { kind: 'method-not-allowed'; allow: string[] }
  /** The path has an operation's shape, but a parameter's percent-encoding does not decode: a client error (400). */
  | { kind: 'malformed'; operation: Operation }
  | { kind: 'not-found' };

interface Compiled {
  operation: Operation;
  /** One entry per segment: a literal to equal, or a parameter's name. */
  segments: ({ literal: string } | { param: string })[];
}

const compile = (operation: Operation): Compiled => ({
  operation,
  segments: operation.path
    .slice(1)
    .split('/')
    .map((segment) => (/^\{[a-z]+\}$/i.test(segment) ? { param: segment.slice(1, -1) } : { literal: segment })),
});

const MALFORMED = Symbol('malformed');

/** A parameter's raw segment, decoded once; undefined when it cannot be one (`.` or `..`), MALFORMED for bad escapes. */
function decodeSegment(raw: string): string | undefined | typeof MALFORMED {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return MALFORMED;
  }
  return value === '.' || value === '..' || value.length === 0 ? undefined : value;
}

function matchPath(compiled: Compiled, segments: readonly string[], path: string): Record<string, string> | undefined | typeof MALFORMED {
  if (segments.length !== compiled.segments.length || compiled.operation.except?.includes(path)) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const want = compiled.segments[i]!;
    const raw = segments[i]!;
    if ('literal' in want) {
      if (raw !== want.literal) return undefined;
    } else {
      const value = raw.length > 0 ? decodeSegment(raw) : undefined;
      if (value === undefined || value === MALFORMED) return value;
      params[want.param] = value;
    }
  }
  return params;
}

/**
 * Resolves requests against the entries a deployment serves. Literal paths win over templates for the same method
 * (GET /picus/get/x is getItem, whatever else a template could match); HEAD is GET's.
 */
export function createResolver(serving: Serving): { resolve(method: string, path: string): Resolution; methodsFor(path: string): Method[] } {
  // By segment count: a request is compared with the few entries of its own length only.
  const bySegments = new Map<number, Compiled[]>();
  for (const entry of servedOperations(serving).map(compile)) bySegments.set(entry.segments.length, [...(bySegments.get(entry.segments.length) ?? []), entry]);
  const segmentsOf = (path: string): string[] | undefined => (path.startsWith('/') ? path.slice(1).split('/') : undefined);
  const matching = (path: string): { operation: Operation; params: Record<string, string> | typeof MALFORMED }[] => {
    const segments = segmentsOf(path);
    if (!segments) return [];
    const found: { operation: Operation; params: Record<string, string> | typeof MALFORMED }[] = [];
    for (const entry of bySegments.get(segments.length) ?? []) {
      const params = matchPath(entry, segments, path);
      if (params) found.push({ operation: entry.operation, params });
    }
    return found;
  };
  const methodsOf = (found: readonly { operation: Operation }[]): Method[] => [...new Set(found.map((f) => f.operation.method))];
  return {
    resolve(method, path) {
      const found = matching(path);
      if (found.length === 0) return { kind: 'not-found' };
      const wanted = method === 'HEAD' ? 'GET' : method;
      const hit = found.find((f) => f.operation.method === wanted);
      if (hit && hit.params === MALFORMED) return { kind: 'malformed', operation: hit.operation };
      if (hit) return { kind: 'operation', operation: hit.operation, params: hit.params as Record<string, string> };
      return { kind: 'method-not-allowed', allow: allowHeader(methodsOf(found)) };
    },
    methodsFor: (path) => methodsOf(matching(path)),
  };
}

/** The methods of `Allow`: HEAD wherever GET is (RFC 9110 9.3.2), OPTIONS always. */
export function allowHeader(methods: readonly Method[]): string[] {
  return [...methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])), 'OPTIONS'];
}

/**
 * The raw path and query of a request target (RFC 9112 3.2): origin-form as sent; absolute-form with its scheme and
 * authority removed, so `GET http://host/picus/list` is matched as `/picus/list` and not as an unknown path that a
 * later parser reads differently. Nothing is decoded or normalized: what is matched is what every layer reads.
 */
export function requestTarget(url: string): { path: string; query: string } {
  let rest = url;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (absolute) {
    rest = url.slice(absolute[0].length);
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  const q = rest.indexOf('?');
  return q === -1 ? { path: rest, query: '' } : { path: rest.slice(0, q), query: rest.slice(q) };
}
