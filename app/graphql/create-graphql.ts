import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { OperationHandlers } from '../http/operations';
import type { Core } from '../core/create-core';
import type { Logger } from '../core/logger';
import { sendGraphQLError } from '../http/http-errors';
import { graphqlCodeOf, logFailure, toErrorResponse } from '../wire/errors';
import { createContext, type GraphQLContext } from './context';
import { formatError, originalOf } from './format-error';
import { resolvers } from './resolvers';

/**
 * `schema/` beside `app/` in the source tree; `npm run build` copies it to
 * `dist/schema/`, which is the same relative place from `dist/app/graphql/`.
 */
const SCHEMA_DIR = join(__dirname, '..', '..', 'schema');

function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

/**
 * Limits that keep one request's cost bounded. The deepest useful query
 * (items -> edges -> node -> data) is depth 4; itemsByIds with 1000 ids
 * passed inline is about 1 000 tokens, so the token limit sits above it.
 */
export const MAX_TOKENS = 2500;
const armor = new ApolloArmor({
  maxDepth: { n: 8 },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  // Armor's token plugin answers a plain syntax error with a 500; graphql-js's own
  // parse limit (parseOptions below) rejects both cases as GRAPHQL_PARSE_FAILED with 400.
  maxTokens: { enabled: false },
  costLimit: { maxCost: 5000 },
  blockFieldSuggestion: { enabled: true },
});

export interface GraphQLMount {
  /** The catalogue's graphqlPost and graphqlGet (app/wire/operations.ts): the one path /graphql. */
  handlers: OperationHandlers;
  apollo: ApolloServer<GraphQLContext>;
  /** The executable schema, which subscriptions over WebSocket run against too (app/graphql/subscriptions.ts). */
  schema: GraphQLSchema;
}

/**
 * Builds and starts Apollo Server 5 and returns the handlers serving it at
 * `/graphql`. Apollo does not parse bodies in v4+: express.json() does,
 * with the same size limit as REST, and its errors are answered here in
 * GraphQL's error shape.
 */
export async function createGraphQL(deps: { core: Core }): Promise<GraphQLMount> {
  const { core } = deps;
  const { isProduction, maxBodyBytes } = core.config;
  const protection = armor.protect();

  const logErrors: ApolloServerPlugin<GraphQLContext> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          // The same policy as REST and the Lambda: a DynamoDB outage is one warn line here too, though the response is a 200.
          for (const error of errors) {
            const original = originalOf(error);
            if (original) logFailure(core.logger, original, toErrorResponse(original), { requestId: contextValue.requestId });
          }
        },
      };
    },
  };

  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    introspection: !isProduction,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    persistedQueries: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    csrfPrevention: true,
    // ECS sends SIGTERM before the drain should start: app/main.ts handles signals, app/start-service.ts drains.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    validationRules: protection.validationRules,
    plugins: [
      ...protection.plugins,
      logErrors,
      subscriptionsOverWebSocketOnly,
      isProduction ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();

  const serve: RequestHandler = expressMiddleware(apollo, {
    context: async ({ req, res }) =>
      createContext({
        itemService: core.itemService,
        requestId: req.id,
        principal: res.locals.principal,
        authEnforced: core.tokenVerifier !== undefined,
        // The caller's own token and trace id travel to the Lambda, which checks the token itself.
        deleteItem: (id) => core.itemDeleter.delete(id, { authorization: req.headers.authorization, traceId: headerValue(req.headers['x-amzn-trace-id']) }),
      }),
  });
  // express.json() on GET too: it sets req.body (to {}), which the integration requires of every request.
  const chain = [express.json({ limit: maxBodyBytes }), serve, graphqlErrorMiddleware(core.logger)];
  return { handlers: { graphqlPost: chain, graphqlGet: chain }, apollo, schema };
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * A subscription sent over HTTP: 400 with where to send it, before anything executes (Apollo would otherwise run the
 * field's resolver without its event and answer an internal error).
 */
const subscriptionsOverWebSocketOnly: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'subscription') {
          throw new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql', {
            extensions: { code: graphqlCodeOf('VALIDATION_FAILED'), http: { status: 400 } },
          });
        }
      },
    };
  },
};

/** Body-parser failures before Apollo runs, in the GraphQL-over-HTTP error shape. */
function graphqlErrorMiddleware(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    logFailure(logger, error, sendGraphQLError(res, error), { requestId: req.id });
  };
}
