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
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../app/core/config';
import { createCore } from '../app/core/create-core';
import { ensureItemTable } from '../app/core/items/item-table';
import { startHttpServer } from '../app/http/http-server';
import { createLogger } from '../app/core/logger';
import { createHandler } from '../lambda/create-handler';
import { startLocalAlb } from './alb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './dynamo';

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
  const config = loadConfig(env);
  const core = createCore(config);
  await ensureItemTable(core.doc, config.tableName);
  const service = await startHttpServer(core);

  // The Lambda gets a core of its own, as it would in its own execution environment.
  const lambdaCore = createCore(config, { logger: createLogger(config, 'picus-delete') });
  const alb = await startLocalAlb(
    { lambda: createHandler({ itemService: lambdaCore.itemService, logger: lambdaCore.logger, cors: { origins: config.corsOrigins } }), healthCheck: { intervalMs: 1000, timeoutMs: 1000 }, deregistrationDelayMs: 5000 },
    Number(env.ALB_PORT ?? 8080),
  );
  const serviceTarget = service.url.replace('localhost', '127.0.0.1');
  alb.registerTarget(serviceTarget);
  await alb.waitFor(serviceTarget, 'healthy');

  const lines = [
    '',
    'Picus is running:',
    `  ALB      ${alb.url.replace("127.0.0.1", "localhost")}  (start here: DELETE /picus/* goes to the Lambda, everything else to the service)`,
    `  service  ${service.url}  (REST: /health /ready /picus/list /picus/put /picus/get/{key})`,
    `  GraphQL  ${alb.url.replace("127.0.0.1", "localhost")}/graphql`,
    `  DynamoDB ${config.dynamodbEndpoint}  table ${config.tableName}${embedded ? ' (embedded)' : ''}`,
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
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
