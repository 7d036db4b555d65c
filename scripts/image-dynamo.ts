/**
 * A DynamoDB-compatible server for scripts/image-test.sh: the embedded dynalite with the items table, on the
 * host, until SIGTERM. Prints one line, the endpoint, when it is ready.
 *   npx tsx scripts/image-dynamo.ts [port]
 */
import { loadConfig } from '../app/core/config';
import { ensureItemTable } from '../local/item-table';
import { startEmbeddedDynamo } from '../local/dynamo';

async function main(): Promise<void> {
  const db = await startEmbeddedDynamo({ port: Number(process.argv[2] ?? 0) });
  await ensureItemTable(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: db.endpoint }), 'picus-data');
  process.stdout.write(`${db.endpoint}\n`);
  process.once('SIGTERM', () => void db.close().then(() => process.exit(0)));
}

void main();
