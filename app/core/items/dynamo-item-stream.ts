import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toItem } from './dynamo-item-store';
import { changeOf, type ItemChange } from './item-changes';

/** The parts of a DynamoDB Streams record this reads (aws-lambda's DynamoDBRecord, and GetRecords' Record, alike). */
export interface ItemStreamRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  dynamodb?: {
    ApproximateCreationDateTime?: number | Date;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
  };
}

/**
 * The change a record of the table's stream (NEW_AND_OLD_IMAGES) describes, or undefined for one that is no item (the
 * readiness probe's key is never written). INSERT is a create, MODIFY an update, REMOVE a delete. The writer of a
 * create or update is in the image (createdBy, updatedBy); a delete leaves no trace of who made it, so its `by` is
 * null here (the service's own bus, CHANGE_FEED=writes, knows it). `at` is when DynamoDB wrote the record.
 */
export function changeFromStreamRecord(record: ItemStreamRecord): ItemChange | undefined {
  const image = record.eventName === 'REMOVE' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  if (!image || record.eventName === undefined) return undefined;
  const item = toItem(unmarshall(image as Record<string, AttributeValue>));
  const written = record.dynamodb?.ApproximateCreationDateTime;
  const at = written === undefined ? new Date().toISOString() : new Date(written instanceof Date ? written.getTime() : written * 1000).toISOString();
  switch (record.eventName) {
    case 'INSERT':
      return changeOf('CREATED', item, item.createdAt ?? at, item.createdBy);
    case 'MODIFY':
      return changeOf('UPDATED', item, item.updatedAt ?? at, item.updatedBy);
    case 'REMOVE':
      return changeOf('DELETED', item, at, undefined);
    default:
      return undefined;
  }
}
