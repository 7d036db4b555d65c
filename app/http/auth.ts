import type { RequestHandler, Response } from 'express';
import type { Principal, TokenVerifier } from '../core/auth/token-verifier';
import { ForbiddenError, UnauthenticatedError } from '../core/errors';
import { bearerCredentials } from '../wire/auth';
import { routeFor } from '../wire/routes';

declare module 'express-serve-static-core' {
  interface Locals {
    /** Who is calling, once the bearer token verified (undefined with authentication off or on open routes). */
    principal?: Principal;
  }
}

/**
 * Bearer-token checks for every route, from the one route table (app/wire/routes.ts): open routes pass, the others
 * need a token that verifies, and REST routes the scope the table names (GraphQL checks a scope per field).
 * Failures go to the error middleware: 401 with WWW-Authenticate, 403 insufficient_scope, 503 when the issuer's
 * keys cannot be had. Runs before the body is read, so an unauthenticated client cannot make us parse 350 KB.
 */
export function authMiddleware(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const route = routeFor(req.method, req.path);
    if (!route || route.auth === 'open') return next();
    const credentials = bearerCredentials(req.headers.authorization);
    if (credentials.kind !== 'token') return next(new UnauthenticatedError(credentials.kind === 'malformed'));
    try {
      const principal = await verifier.verify(credentials.token);
      if (route.auth !== 'token' && !principal.scopes.has(route.auth)) return next(new ForbiddenError(route.auth));
      res.locals.principal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Who made the request, for logs: never the token, never a header. */
export function principalOf(res: Response): { sub?: string; clientId?: string } {
  const principal = res.locals.principal;
  return principal ? { sub: principal.sub, clientId: principal.clientId } : {};
}
