import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { ChangeBus } from '../app/core/changes/change-bus';
import { describeCause } from '../app/core/errors';
import { changeFromStreamRecord } from '../app/core/items/dynamo-item-stream';
import type { Logger } from '../app/core/logger';

/**
 * The table's stream processor: each record of a batch becomes the ItemChange it describes and is published to the
 * change bus, in the order of the batch (the stream orders each item's records). A record that cannot be published
 * is reported as the batch's first failure (ReportBatchItemFailures), so Lambda retries from it, a bounded number of
 * times, and then hands it to the dead-letter destination (terraform/modules/changes); nothing after it is published
 * first, so per item the order holds.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
export function createStreamHandler(deps: { bus: ChangeBus; logger: Logger }) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const record of event.Records) {
      const change = changeFromStreamRecord(record);
      if (!change) continue;
      try {
        await deps.bus.publish(change);
      } catch (error) {
        deps.logger.warn({ id: change.id, kind: change.kind, cause: describeCause({ cause: error }) }, 'change not published: the batch is retried from it');
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
