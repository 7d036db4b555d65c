/**
 * `npm start`: the whole system on one machine, no cloud account, no Docker.
 * Embedded DynamoDB (dynalite, data under .data/ unless told otherwise) with
 * the table created, then the service on :8000.
 *
 * Environment: DYNAMODB_ENDPOINT uses that server instead of the embedded one;
 * PICUS_DATA_DIR picks the data folder ("memory" keeps nothing);
 * DYNAMODB_PORT fixes the embedded server's port (default: any free one).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../app/core/config';
import { createCore } from '../app/core/create-core';
import { ensureItemTable } from '../app/core/items/item-table';
import { startHttpServer } from '../app/http/http-server';
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

  const lines = [
    '',
    'Picus is running:',
    `  service  ${service.url}  (REST: /health /ready /picus/list /picus/put /picus/get/{key})`,
    `  GraphQL  ${service.url}/graphql`,
    `  DynamoDB ${config.dynamodbEndpoint}  table ${config.tableName}${embedded ? ' (embedded)' : ''}`,
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await service.shutdown();
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
