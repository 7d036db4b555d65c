/**
 * The API's routes, as clients see them through the ALB: method, path and the target that answers. One table
 * for what must agree with the routes themselves (test/unit/wire/routes.test.ts checks it against the ALB's
 * listener rules and the service's routers): CORS preflights answer with the methods of the path asked about,
 * the DELETE that the Lambda serves included, which the service must know although it never runs it.
 *
 * `{key}` is one non-empty path segment.
 */
export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type ApiTarget = 'service' | 'lambda';

/**
 * What a caller must present: nothing (`open`), any valid token (`token`: GraphQL checks a scope per field), or a
 * token with that scope. The ALB's jwt-validation rules (listener-rules.json) and both targets follow it.
 */
export type ApiAuth = 'open' | 'token' | 'picus/read' | 'picus/write' | 'picus/delete';

export interface ApiRoute {
  method: ApiMethod;
  path: string;
  target: ApiTarget;
  auth: ApiAuth;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/health', target: 'service', auth: 'open' },
  { method: 'GET', path: '/ready', target: 'service', auth: 'open' },
  { method: 'GET', path: '/picus/list', target: 'service', auth: 'picus/read' },
  { method: 'POST', path: '/picus/put', target: 'service', auth: 'picus/write' },
  { method: 'GET', path: '/picus/get/{key}', target: 'service', auth: 'picus/read' },
  { method: 'PUT', path: '/picus/{key}', target: 'service', auth: 'picus/write' },
  { method: 'DELETE', path: '/picus/{key}', target: 'lambda', auth: 'picus/delete' },
  { method: 'GET', path: '/openapi.json', target: 'service', auth: 'open' },
  { method: 'GET', path: '/openapi.yaml', target: 'service', auth: 'open' },
  { method: 'GET', path: '/docs', target: 'service', auth: 'open' },
  { method: 'GET', path: '/graphql', target: 'service', auth: 'token' },
  { method: 'POST', path: '/graphql', target: 'service', auth: 'token' },
];

const patternOf = (path: string): RegExp => new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[a-z]+\}/g, '[^/]+')}$`);
const compiled = API_ROUTES.map((route) => ({ ...route, pattern: patternOf(route.path) }));

/**
 * Every method some route accepts on this path, in table order; empty for a path no route serves. `/picus/list`
 * accepts GET (the list) and DELETE (the Lambda deletes an item whose id is "list"), as the ALB routes them.
 */
export function methodsFor(path: string): ApiMethod[] {
  return [...new Set(compiled.filter((route) => route.pattern.test(path)).map((route) => route.method))];
}

/** The route a request is for (HEAD is GET's), or undefined for a path or method no route serves. */
export function routeFor(method: string, path: string): ApiRoute | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  return compiled.find((route) => route.method === wanted && route.pattern.test(path));
}
