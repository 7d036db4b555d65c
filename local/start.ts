/**
 * `npm start`: the whole system on one machine, no cloud account, no Docker.
 * Embedded DynamoDB (dynalite, data under .data/ unless told otherwise) with
 * the table created, the service on :8000, and the local ALB on :8080 that
 * sends DELETE /picus/* to the Lambda handler (in-process) and the rest to the service.
 *
 * Environment: DYNAMODB_ENDPOINT uses that server instead of the embedded one;
 * PICUS_DATA_DIR picks the data folder ("memory" keeps nothing);
 * DYNAMODB_PORT fixes the embedded server's port (default: any free one);
 * ALB_PORT moves the local ALB (default 8080); PORT moves the service.
 * Unless AUTH_MODE=off, a local OAuth 2.0 issuer runs on ISSUER_PORT (default 8090) and the ALB, the
 * service and the Lambda all check its tokens; a ready token is printed.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../app/core/config';
import { createCore } from '../app/core/create-core';
import { ensureItemTable } from '../app/core/items/item-table';
import { startService } from '../app/start-service';
import { createLogger } from '../app/core/logger';
import { createHandler } from '../lambda/create-handler';
import { startLocalAlb } from './alb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './dynamo';
import { LOCAL_AUDIENCE, LOCAL_CLIENT, startLocalIssuer, type LocalIssuer } from './issuer';
import { startLocalLambdaApi } from './lambda-api';

/** The DELETE Lambda's name on the local Invoke API (GraphQL's deleteItem invokes it, alias "live"). */
const LOCAL_DELETE_FUNCTION = 'picus-local-delete';

async function main(): Promise<void> {
  const env = { ...process.env };
  let embedded: EmbeddedDynamo | undefined;
  if (!env.DYNAMODB_ENDPOINT) {
    const dataDir = env.PICUS_DATA_DIR ?? '.data';
    const path = dataDir === 'memory' ? undefined : resolve(dataDir, 'dynamodb');
    if (path) mkdirSync(path, { recursive: true });
    embedded = await startEmbeddedDynamo({ port: Number(env.DYNAMODB_PORT ?? 0), path });
    env.DYNAMODB_ENDPOINT = embedded.endpoint;
  }
  let issuer: LocalIssuer | undefined;
  if (env.AUTH_MODE !== 'off' && !env.AUTH_ISSUER) {
    issuer = await startLocalIssuer({ port: Number(env.ISSUER_PORT ?? 8090) });
    Object.assign(env, { AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE });
  }
  // The Lambda Invoke API first: the service's config names its endpoint; the handler is registered below.
  const lambdaApi = await startLocalLambdaApi({ port: Number(env.LAMBDA_PORT ?? 0) });
  Object.assign(env, { LAMBDA_ENDPOINT: env.LAMBDA_ENDPOINT ?? lambdaApi.url, DELETE_FUNCTION_NAME: env.DELETE_FUNCTION_NAME ?? LOCAL_DELETE_FUNCTION });
  const config = loadConfig(env);
  // A terminal gets readable log lines; a pipe (CI, a file) gets JSON, as everywhere else.
  const pretty = Boolean(process.stdout.isTTY);
  const core = createCore(config, { logger: createLogger(config, 'picus-api', { pretty }) });
  await ensureItemTable(core.doc, config.tableName);
  const service = await startService(core);

  // The Lambda gets a core of its own, as it would in its own execution environment.
  const lambdaCore = createCore(config, { logger: createLogger(config, 'picus-delete', { pretty }) });
  const deleteHandler = createHandler({ itemService: lambdaCore.itemService, logger: lambdaCore.logger, cors: { origins: config.corsOrigins }, tokenVerifier: lambdaCore.tokenVerifier });
  lambdaApi.register(LOCAL_DELETE_FUNCTION, deleteHandler);
  const alb = await startLocalAlb(
    {
      lambda: deleteHandler,
      healthCheck: { intervalMs: 1000, timeoutMs: 1000 },
      deregistrationDelayMs: 5000,
      jwtValidation: config.auth.mode === 'jwt' ? { issuer: config.auth.issuer, jwksUrl: config.auth.jwksUrl ?? `${config.auth.issuer}/jwks` } : undefined,
    },
    Number(env.ALB_PORT ?? 8080),
  );
  const serviceTarget = service.url.replace('localhost', '127.0.0.1');
  alb.registerTarget(serviceTarget);
  await alb.waitFor(serviceTarget, 'healthy');

  const lines = [
    '',
    'Picus is running:',
    `  ALB      ${alb.url.replace("127.0.0.1", "localhost")}  (start here: DELETE /picus/* goes to the Lambda, everything else to the service)`,
    `  service  ${service.url}  (REST: /health /ready /picus/list /picus/put /picus/get/{key} /picus/{key}; reference: /docs)`,
    `  GraphQL  ${alb.url.replace("127.0.0.1", "localhost")}/graphql`,
    `  DynamoDB ${config.dynamodbEndpoint}  table ${config.tableName}${embedded ? ' (embedded)' : ''}`,
    ...(issuer
      ? [
          `  Issuer   ${issuer.url}  (OAuth 2.0 client credentials: ${LOCAL_CLIENT.id} / ${LOCAL_CLIENT.secret})`,
          '',
          'A token with picus/read, picus/write and picus/delete (valid 1 hour):',
          `  export TOKEN=${await issuer.tokenFor(LOCAL_CLIENT)}`,
          'Another one:',
          `  export TOKEN=$(curl -s -u ${LOCAL_CLIENT.id}:${LOCAL_CLIENT.secret} -d grant_type=client_credentials ${issuer.tokenUrl} | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')`,
          `Then: curl -H "Authorization: Bearer $TOKEN" ${alb.url.replace('127.0.0.1', 'localhost')}/picus/list`,
        ]
      : [config.auth.mode === 'off' ? '  Auth     off: the API is open (AUTH_MODE=off)' : `  Auth     tokens from ${config.auth.issuer}`]),
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await alb.close();
    await service.shutdown();
    lambdaCore.close();
    await embedded?.close();
    await issuer?.close();
    await lambdaApi.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
