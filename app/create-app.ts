import express, { type Express } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Core } from './core/create-core';
import { createGraphQL } from './graphql/create-graphql';
import type { GraphQLContext } from './graphql/context';
import { corsMiddleware } from './http/cors';
import { sendError } from './http/http-errors';
import { createLifecycle, type Lifecycle } from './http/lifecycle';
import { bindOperations, operationGate, type OperationHandlers } from './http/operations';
import { requestContext } from './http/request-context';
import { errorMiddleware } from './rest/error-middleware';
import { healthHandlers } from './rest/health-router';
import { itemsHandlers } from './rest/items-router';
import { openApiHandlers } from './rest/openapi-router';
import { HttpError } from './wire/errors';

/**
 * The security headers of a JSON API, as the OWASP REST Security Cheat Sheet
 * lists them (https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers):
 * HSTS, nosniff, no framing, and a CSP that allows nothing, plus CORP. Helmet's
 * other defaults (COOP, Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection) act on
 * HTML documents only; leaving them out saves about 300 bytes and a share of the
 * CPU time of every response (docs/benchmarks.md).
 */
function securityHeaders(isProduction: boolean): HelmetOptions {
  return {
    // Outside production the landing page loads Apollo Sandbox, an HTML page, from its CDN.
    contentSecurityPolicy: isProduction ? { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    xContentTypeOptions: true,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: false,
    xPoweredBy: true,
    xXssProtection: false,
  };
}

export interface AppDeps {
  core: Core;
  lifecycle?: Lifecycle;
  /** Handlers added to the app's own, by operation id; a test proves one with no catalogue entry stops start-up. */
  extraHandlers?: OperationHandlers;
}

export interface App {
  app: Express;
  apollo: ApolloServer<GraphQLContext>;
  /** GraphQL's executable schema: subscriptions over WebSocket run against it (app/graphql/subscriptions.ts). */
  schema: GraphQLSchema;
  lifecycle: Lifecycle;
}

/**
 * Builds the service: REST routes and GraphQL over one core. Does not listen;
 * `app/start-service.ts` does, tests use supertest or their own socket.
 *
 * @example
 * const { app } = await createApp({ core: createCore(config) });
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { core } = deps;
  const { config } = core;
  const lifecycle = deps.lifecycle ?? createLifecycle();

  const app = express();
  app.disable('x-powered-by');
  // Express's own ETag hashes every body. Items carry their version as a strong ETag instead, set by the items
  // handlers (app/wire/etag.ts), which also answer If-None-Match with 304; nothing else is worth revalidating.
  app.set('etag', false);
  // The gate matches exactly already (app/http/operations.ts); Express's own matching is made as strict, too.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('trust proxy', false);

  app.use(requestContext(core.logger));
  app.use(helmet(securityHeaders(config.isProduction)));
  if (config.corsOrigins.length > 0) app.use(corsMiddleware({ origins: config.corsOrigins, production: config.isProduction }));
  app.use((_req, res, next) => {
    lifecycle.track(res);
    next();
  });
  // Deny by default: nothing below runs for a request the catalogue of operations does not serve.
  const serving = { production: config.isProduction };
  app.use(operationGate({ serving, verifier: core.tokenVerifier }));

  const graphql = await createGraphQL({ core });
  // The item operations are the busiest, so they are bound first.
  bindOperations(
    app,
    {
      ...itemsHandlers({ itemService: core.itemService, maxBodyBytes: config.maxBodyBytes }),
      ...healthHandlers({ itemService: core.itemService, lifecycle, readyCacheMs: config.readyCacheMs }),
      ...openApiHandlers({ isProduction: config.isProduction }),
      ...graphql.handlers,
      ...deps.extraHandlers,
    },
    serving,
  );

  app.use((_req, res) => {
    sendError(res, new HttpError('NOT_FOUND'));
  });
  app.use(errorMiddleware(core.logger));

  return { app, apollo: graphql.apollo, schema: graphql.schema, lifecycle };
}
