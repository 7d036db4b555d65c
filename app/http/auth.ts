import type { RequestHandler, Response } from 'express';
import { authorize, type Principal, type TokenVerifier } from '../core/auth/token-verifier';
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
    try {
      res.locals.principal = await authorize(verifier, bearerCredentials(req.headers.authorization), route.auth);
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
