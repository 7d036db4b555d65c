import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../app/core/config';
import { ALL_SCOPES } from '../app/core/auth/access';
import type { LocalSystemOptions } from './options';
import { createCore, type Core } from '../app/core/create-core';
import { createInProcessBus } from '../app/core/changes/change-bus';
import { createLogger } from '../app/core/logger';
import { startService, type RunningService } from '../app/start-service';
import { createHandler } from '../lambda/create-handler';
import { startLocalAlb, type HealthCheck, type LocalAlb } from './alb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './dynamo';
import { LOCAL_AUDIENCE, LOCAL_CLIENT, startLocalIssuer, type LocalIssuer } from './issuer';
import { ensureItemTable } from './item-table';
import { startLocalLambdaApi, type LocalLambdaApi } from './lambda-api';

/** The DELETE Lambda's name on the local Invoke API unless DELETE_FUNCTION_NAME names another (alias "live"). */
const LOCAL_DELETE_FUNCTION = 'picus-local-delete';

export interface StartLocalSystemOptions extends Partial<LocalSystemOptions> {
  /** The service's environment (what loadConfig reads); the parts started here add their endpoints to it. */
  env: Readonly<Record<string, string | undefined>>;
  /** Start the local issuer unless AUTH_MODE=off or AUTH_ISSUER names another (default true). */
  issuer?: boolean;
  /** The service's port (default: the config's PORT, 8000). */
  servicePort?: number;
  /** Interface every listener binds (default 127.0.0.1: nothing is reachable from another machine). */
  host?: string;
  /** Readable log lines (a terminal) instead of JSON. */
  pretty?: boolean;
  /**
   * Builds the core of the service and of the Lambda (default: one each, as in AWS, where the Lambda runs in an
   * execution environment of its own). Tests pass one that reuses their own client, to count its calls.
   */
  coreFor?: (config: Config, service: 'picus-api' | 'picus-delete') => Core;
  /** The ALB's health check of the service (default: 1 s interval, as fast as is useful on one machine). */
  healthCheck?: Partial<HealthCheck>;
  /** The ALB checks tokens itself (its jwt-validation action) when auth is on; default true, as in AWS over HTTPS. */
  edgeJwtValidation?: boolean;
}

export interface LocalSystem {
  config: Config;
  /** The service's core (its store, its service). */
  core: Core;
  service: RunningService;
  /** The entry point: DELETE /picus/* to the Lambda handler, the rest to the service. */
  alb: LocalAlb;
  lambdaApi: LocalLambdaApi;
  /** The local issuer, when one was started. */
  issuer: LocalIssuer | undefined;
  /** The embedded DynamoDB, when DYNAMODB_ENDPOINT named none. */
  dynamo: EmbeddedDynamo | undefined;
  /**
   * What `npm start` prints: where everything is and how to get a token; with `token`, a ready one too (only for a
   * terminal: a token in a log file or a CI transcript is a credential anyone reading it can use).
   */
  banner(options?: { token?: boolean }): Promise<string>;
  /** Stops everything, the ALB first so nothing new arrives. */
  close(): Promise<void>;
}

/**
 * The whole system on one machine, as `npm start` runs it: embedded DynamoDB (dynalite) with the table, a local
 * OAuth 2.0 issuer, the local Lambda Invoke API, the service, and the local ALB in front of the service and the
 * DELETE Lambda; resolves once the ALB calls the service healthy.
 *
 * @example
 * const system = await startLocalSystem({ env: process.env, ...loadLocalSystemOptions(process.env) });
 */
export async function startLocalSystem(options: StartLocalSystemOptions): Promise<LocalSystem> {
  const env: Record<string, string | undefined> = { ...options.env };
  const localHost = options.host ?? '127.0.0.1';
  const started: { close(): Promise<void> | void }[] = [];
  // Last started, first stopped; once, however often it is called (a Ctrl-C during a test's own close, say).
  let stopping: Promise<void> | undefined;
  const stopStarted = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const part of [...started].reverse()) await part.close();
    })());
  try {
    let dynamo: EmbeddedDynamo | undefined;
    if (!env.DYNAMODB_ENDPOINT) {
      const path = options.dataDir === undefined ? undefined : resolve(options.dataDir, 'dynamodb');
      if (path) mkdirSync(path, { recursive: true });
      dynamo = await startEmbeddedDynamo({ port: options.dynamodbPort ?? 0, path });
      started.push(dynamo);
      env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    }
    let issuer: LocalIssuer | undefined;
    if ((options.issuer ?? true) && env.AUTH_MODE !== 'off' && !env.AUTH_ISSUER) {
      issuer = await startLocalIssuer({ port: options.issuerPort ?? 8090, host: localHost });
      started.push(issuer);
      Object.assign(env, { AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE });
    }
    // The Lambda Invoke API first: the service's config names its endpoint; the handler is registered below.
    const lambdaApi = await startLocalLambdaApi({ port: options.lambdaPort ?? 0, host: localHost });
    started.push(lambdaApi);
    env.LAMBDA_ENDPOINT ??= lambdaApi.url;
    env.DELETE_FUNCTION_NAME ??= LOCAL_DELETE_FUNCTION;

    const config = loadConfig(env);
    await ensureItemTable(config, config.tableName);
    // One change bus for the service and the in-process Lambda, as one Valkey serves every task and function in AWS:
    // a delete the Lambda makes reaches the service's subscribers.
    const changeBus = config.changeBusUrl ? undefined : createInProcessBus();
    const coreFor = options.coreFor ?? ((c: Config, name) => createCore(c, { logger: createLogger(c, name, { pretty: options.pretty }), changeBus }));
    const core = coreFor(config, 'picus-api');
    const service = await startService(core, { port: options.servicePort, host: localHost });
    started.push({ close: () => service.shutdown() });

    const lambdaCore = coreFor(config, 'picus-delete');
    if (lambdaCore !== core) started.push({ close: () => lambdaCore.close() });
    const deleteHandler = createHandler({
      itemService: lambdaCore.itemService,
      logger: lambdaCore.logger,
      production: config.isProduction,
      cors: { origins: config.corsOrigins, production: config.isProduction },
      tokenVerifier: lambdaCore.tokenVerifier,
    });
    lambdaApi.register(config.deleteFunction?.name ?? LOCAL_DELETE_FUNCTION, deleteHandler);

    const alb = await startLocalAlb(
      {
        lambda: deleteHandler,
        healthCheck: { intervalMs: 1000, timeoutMs: 1000, ...options.healthCheck },
        deregistrationDelayMs: 5000,
        production: config.isProduction,
        jwtValidation:
          (options.edgeJwtValidation ?? true) && config.auth.mode === 'jwt'
            ? { issuer: config.auth.issuer, jwksUrl: config.auth.jwksUrl ?? `${config.auth.issuer}/jwks` }
            : undefined,
      },
      options.albPort ?? 8080,
      localHost,
    );
    started.push(alb);
    const serviceTarget = service.url.replace('localhost', '127.0.0.1');
    alb.registerTarget(serviceTarget);
    await alb.waitFor(serviceTarget, 'healthy');

    return {
      config,
      core,
      service,
      alb,
      lambdaApi,
      issuer,
      dynamo,
      banner: (opts) => banner({ config, service, alb, issuer, dynamo, token: opts?.token ?? false }),
      close: stopStarted,
    };
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

async function banner(parts: {
  config: Config;
  service: RunningService;
  alb: LocalAlb;
  issuer?: LocalIssuer;
  dynamo?: EmbeddedDynamo;
  token: boolean;
}): Promise<string> {
  const { config, service, issuer } = parts;
  const alb = parts.alb.url.replace('127.0.0.1', 'localhost');
  const lines = [
    '',
    'Picus is running:',
    `  ALB      ${alb}  (start here: DELETE /picus/{key} goes to the Lambda, the other catalogued operations to the service, anything else is a 404)`,
    `  service  ${service.url}  (REST: /health /ready /picus/list /picus/put /picus/get/{key} /picus/{key}; reference: /docs)`,
    `  GraphQL  ${alb}/graphql`,
    `  DynamoDB ${config.dynamodbEndpoint}  table ${config.tableName}${parts.dynamo ? ' (embedded)' : ''}`,
    ...(issuer
      ? [
          `  Issuer   ${issuer.url}  (OAuth 2.0 client credentials: ${LOCAL_CLIENT.id} / ${LOCAL_CLIENT.secret})`,
          '',
          `A token with ${ALL_SCOPES.join(', ')} (valid 1 hour):`,
          ...(parts.token ? [`  export TOKEN=${await issuer.tokenFor(LOCAL_CLIENT)}`, 'Another one:'] : []),
          `  export TOKEN=$(curl -s -u ${LOCAL_CLIENT.id}:${LOCAL_CLIENT.secret} -d grant_type=client_credentials ${issuer.tokenUrl} | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')`,
          `Then: curl -H "Authorization: Bearer $TOKEN" ${alb}/picus/list`,
        ]
      : [config.auth.mode === 'off' ? '  Auth     off: the API is open (AUTH_MODE=off)' : `  Auth     tokens from ${config.auth.issuer}`]),
    'Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}
