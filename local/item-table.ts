import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, ResourceNotFoundException, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, type DynamoConfig } from '../app/core/aws/dynamodb';

/**
 * Creates the items table when it is missing, for the embedded server, DynamoDB
 * Local and tests; never used in AWS, where the table belongs to Terraform
 * (`terraform/modules/dynamodb-table`), whose key schema this mirrors: hash key
 * `id` of type S, on-demand billing.
 *
 * @example
 * await ensureItemTable(config, config.tableName);
 */
export async function ensureItemTable(config: DynamoConfig, tableName: string, options: { stream?: boolean } = {}): Promise<void> {
  const client = createDynamoClient(config);
  try {
    await createIfMissing(client, tableName, options.stream ?? false);
  } finally {
    client.destroy();
  }
}

async function createIfMissing(client: ReturnType<typeof createDynamoClient>, tableName: string, stream: boolean): Promise<void> {
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
        // As terraform/modules/dynamodb-table keeps it for the subscriptions' processor (DynamoDB Local has streams; dynalite none).
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } } : {}),
      }),
    );
  } catch (error) {
    // Another process created it first.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}
