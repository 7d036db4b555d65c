import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createInProcessBus } from '../../app/core/changes/change-bus';
import { loadConfig } from '../../app/core/config';
import { createCore } from '../../app/core/create-core';
import type { ItemChange } from '../../app/core/items/item-changes';
import { createStreamHandler } from '../../lambda/create-stream-handler';
import { ensureItemTable } from '../../local/item-table';
import { silentLogger, startTestDynamo, testTableName } from '../support/test-core';

/**
 * The stream processor against a real table's stream: DynamoDB Local's (dynalite has no streams, so under `npm test`
 * this suite is skipped and says so; `npm run test:dynamodb-local`, which .ci/run runs, runs it). Writes go through
 * the core as the service and the DELETE Lambda make them; the records GetRecords returns are handed to the handler
 * as the event Lambda builds from them.
 */
const streams = process.env.TEST_DYNAMODB_ENDPOINT ? describe : describe.skip;

streams('the stream processor on DynamoDB Local streams (NEW_AND_OLD_IMAGES)', () => {
  let dynamo: { endpoint: string; close(): Promise<void> };
  const table = testTableName();
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    await ensureItemTable(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint }), table, { stream: true });
  });
  afterAll(() => dynamo.close());

  /** Every record of the table's stream so far, in order, shaped as the Lambda event's Records. */
  const streamEvent = async (): Promise<DynamoDBStreamEvent> => {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
    const reader = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
      const { StreamDescription } = await reader.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
      const records = [];
      for (const shard of StreamDescription!.Shards ?? []) {
        const { ShardIterator } = await reader.send(
          new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        const page = await reader.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
        records.push(...(page.Records ?? []));
      }
      return { Records: records as unknown as DynamoDBStreamEvent['Records'] };
    } finally {
      client.destroy();
      reader.destroy();
    }
  };

  it('publishes each write the table saw, in order, as the change it is: created, updated with its writer, deleted', async () => {
    const core = createCore(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_TABLE_NAME: table, CHANGE_FEED: 'stream' }), {
      logger: silentLogger(),
    });
    try {
      const created = await core.itemService.create({ n: 1 }, { by: 'alice' });
      await core.itemService.update(created.id, { n: 2 }, { expectedVersion: 1, by: 'bob' });
      await core.itemService.delete(created.id, { by: 'carol' });
    } finally {
      core.close();
    }
    const bus = createInProcessBus();
    const heard: ItemChange[] = [];
    await bus.subscribe((change) => heard.push(change));
    const result = await createStreamHandler({ bus, logger: silentLogger() })(await streamEvent());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(heard.map((c) => [c.kind, c.version, c.by, c.item?.data ?? null])).toEqual([
      ['CREATED', 1, 'alice', { n: 1 }],
      ['UPDATED', 2, 'bob', { n: 2 }],
      // The stream keeps no trace of who deleted: null (the item's last image, not its deleter).
      ['DELETED', null, null, null],
    ]);
  });

  it('reports the record it could not publish as the batch failure, and publishes nothing after it (order per item)', async () => {
    const event = await streamEvent();
    const attempts: ItemChange[] = [];
    const failing = {
      publish: async (change: ItemChange) => (attempts.push(change), Promise.reject(new Error('bus down'))),
      subscribe: async () => () => undefined,
      close: async () => undefined,
    };
    const result = await createStreamHandler({ bus: failing, logger: silentLogger() })(event);
    expect(attempts).toHaveLength(1);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.dynamodb!.SequenceNumber }]);
  });
});
