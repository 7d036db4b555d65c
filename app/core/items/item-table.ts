import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Creates the items table when it is missing, for the embedded server, DynamoDB
 * Local and tests. In AWS the table belongs to Terraform (`terraform/modules/dynamodb-table`),
 * whose key schema this mirrors: hash key `id` of type S, on-demand billing.
 *
 * @example
 * await ensureItemTable(doc, 'picus-data');
 */
export async function ensureItemTable(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
  // The document client is a DynamoDBClient with marshalling middleware; table commands pass through unchanged.
  const client = doc as unknown as DynamoDBClient;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    // Another process created it first.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}
