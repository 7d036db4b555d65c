import type { Server } from 'node:http';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { ApolloServer } from '@apollo/server';
import type { Core } from './core/create-core';
import { createGraphQL } from './graphql/create-graphql';
import type { GraphQLContext } from './graphql/context';
import { createLifecycle, type Lifecycle } from './http/lifecycle';
import { requestContext } from './http/request-context';
import { errorMiddleware } from './rest/error-middleware';
import { createHealthRouter } from './rest/health-router';
import { createItemsRouter } from './rest/items-router';

export interface AppDeps {
  core: Core;
  /** Given by the entry point so Apollo's drain plugin can close it on shutdown; tests may omit it. */
  httpServer?: Server;
  lifecycle?: Lifecycle;
}

export interface App {
  app: Express;
  apollo: ApolloServer<GraphQLContext>;
  lifecycle: Lifecycle;
}

/**
 * Builds the service: REST routes and GraphQL over one core. Does not listen;
 * `app/server.ts` does, tests use supertest or their own socket.
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
  // ETags would hash every body; clients of this API do not revalidate.
  app.set('etag', false);
  app.set('case sensitive routing', true);
  app.set('strict routing', false);
  app.set('trust proxy', false);

  app.use(requestContext(core.logger));
  app.use(
    helmet({
      // The development landing page loads Apollo Sandbox from its CDN; production serves JSON only.
      contentSecurityPolicy: config.isProduction ? undefined : false,
      crossOriginEmbedderPolicy: false,
    }),
  );
  if (config.corsOrigins.length > 0) {
    app.use(cors({ origin: [...config.corsOrigins], methods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 }));
  }
  app.use((_req, res, next) => {
    lifecycle.track(res);
    next();
  });

  app.use(createHealthRouter({ itemService: core.itemService, lifecycle, readyCacheMs: config.readyCacheMs }));
  const graphql = await createGraphQL({ core, httpServer: deps.httpServer });
  app.use(graphql.router);
  app.use(createItemsRouter({ itemService: core.itemService, maxBodyBytes: config.maxBodyBytes }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found', code: 'NOT_FOUND' });
  });
  app.use(errorMiddleware());

  return { app, apollo: graphql.apollo, lifecycle };
}
