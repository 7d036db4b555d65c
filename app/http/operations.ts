import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { authorize, type Principal, type TokenVerifier } from '../core/auth/token-verifier';
import { bearerCredentials, duplicateAuthorization } from '../wire/auth';
import { duplicateAuthorizationError, HttpError, malformedPathError } from '../wire/errors';
import { allowHeader, createResolver, requestTarget, servedOperations, type Operation, type OperationId, type Serving } from '../wire/operations';

declare module 'express-serve-static-core' {
  interface Locals {
    /** The catalogued operation this request is for (app/wire/operations.ts), set before any handler runs. */
    operation?: Operation;
    /** Who is calling, once the bearer token verified (undefined with authentication off or on open operations). */
    principal?: Principal;
  }
}

/**
 * Deny by default: every request is resolved against the catalogue of operations (app/wire/operations.ts) before any
 * handler or data access. A path the catalogue does not serve is a 404 and a catalogued path with another method a
 * 405 with `Allow` (OPTIONS answers with `Allow` alone); an operation the Lambda serves is never served here. Then the
 * operation's auth: open ones pass, the others need a token that verifies, holding the scope the entry names
 * (GraphQL's `token`: any valid token, a scope per field). Runs before the body is read, so an unauthenticated client
 * cannot make us parse 350 KB. Failures go to the error middleware (401 with WWW-Authenticate, 403
 * insufficient_scope, 400 for two Authorization headers, 503 when the issuer's keys cannot be had).
 */
export function operationGate(deps: { serving: Serving; verifier: TokenVerifier | undefined }): RequestHandler {
  const resolver = createResolver(deps.serving);
  const { verifier } = deps;
  return async (req, res, next) => {
    const { path } = requestTarget(req.url);
    const found = resolver.resolve(req.method, path);
    if (found.kind === 'not-found') return next(new HttpError('NOT_FOUND'));
    if (found.kind === 'malformed') return next(malformedPathError());
    const operation = found.kind === 'operation' ? found.operation : undefined;
    if (!operation || operation.target !== 'service') {
      const allow = found.kind === 'method-not-allowed' ? found.allow : allowHeader(resolver.methodsFor(path));
      if (req.method === 'OPTIONS') {
        res.set('Allow', allow.join(', ')).status(204).end();
        return;
      }
      const message = operation
        ? `${operation.method} ${operation.path} is served by the DELETE Lambda, through the load balancer`
        : `Method ${req.method} not allowed; use ${allow.filter((m) => m !== 'OPTIONS' && m !== 'HEAD').join(' or ')}`;
      return next(new HttpError('METHOD_NOT_ALLOWED', message, { Allow: allow.join(', ') }));
    }
    res.locals.operation = operation;
    if (operation.auth === 'open' || !verifier) return next();
    try {
      if (duplicateAuthorization(req.rawHeaders)) throw duplicateAuthorizationError();
      res.locals.principal = await authorize(verifier, bearerCredentials(req.headers.authorization), operation.auth);
      next();
    } catch (error) {
      next(error);
    }
  };
}

type Handler = RequestHandler | ErrorRequestHandler;
export type OperationHandlers = Partial<Record<OperationId, Handler | Handler[]>>;

const expressPath = (path: string): string => path.replace(/\{([a-z]+)\}/gi, ':$1');

/**
 * Binds one handler (or chain) per catalogued operation the service serves, and nothing else: throws, so the
 * service refuses to start, when a handler names no catalogue entry or an entry has no handler. Each route runs only
 * for the operation the gate resolved, so Express's own matching can never serve a request the catalogue does not.
 */
export function bindOperations(app: Express, handlers: OperationHandlers, serving: Serving): void {
  const served = servedOperations(serving).filter((operation) => operation.target === 'service');
  const ids = new Set(served.map((operation) => operation.id));
  const unknown = Object.keys(handlers).filter((id) => !ids.has(id));
  const missing = served.filter((operation) => !(operation.id in handlers)).map((operation) => operation.id);
  if (unknown.length > 0 || missing.length > 0) {
    throw new Error(
      [
        unknown.length > 0 ? `handlers with no catalogue entry: ${unknown.join(', ')}` : '',
        missing.length > 0 ? `catalogue entries with no handler: ${missing.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') + ' (app/wire/operations.ts)',
    );
  }
  for (const operation of served) {
    const chain = [handlers[operation.id as OperationId]!].flat();
    const only = (_req: Request, res: Response, next: NextFunction): void => next(res.locals.operation === operation ? undefined : 'route');
    app[operation.method.toLowerCase() as 'get' | 'post' | 'put'](expressPath(operation.path), only, ...chain);
  }
}

/** Who made the request, for logs: never the token, never a header. */
export function principalOf(res: Response): { sub?: string; clientId?: string } {
  const principal = res.locals.principal;
  return principal ? { sub: principal.sub, clientId: principal.clientId } : {};
}
