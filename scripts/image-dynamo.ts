/**
 * A DynamoDB-compatible server for scripts/image-test.sh: the embedded dynalite with the items table, on the
 * host, until SIGTERM. Prints one line, the endpoint, when it is ready.
 *   npx tsx scripts/image-dynamo.ts [port]
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureItemTable } from '../app/core/items/item-table';
import { startEmbeddedDynamo } from '../local/dynamo';

async function main(): Promise<void> {
  const db = await startEmbeddedDynamo({ port: Number(process.argv[2] ?? 0) });
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureItemTable(DynamoDBDocumentClient.from(client), 'picus-data');
  client.destroy();
  process.stdout.write(`${db.endpoint}\n`);
  process.once('SIGTERM', () => void db.close().then(() => process.exit(0)));
}

void main();
