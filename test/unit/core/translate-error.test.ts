import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import { DatabaseUnavailableError, PayloadTooLargeError, ValidationError } from '../../../app/core/errors';
import { translateError } from '../../../app/core/items/dynamo-item-store';

const metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 3, totalRetryDelay: 120 });

/** A ValidationException as DynamoDB sends it: the SDK has no class for it, only the service exception with its name. */
const validation = (message: string) => new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', $metadata: metadata(400), message });

describe('translateError (DynamoDB and SDK errors to domain errors)', () => {
  it.each([
    ['throttling', new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: metadata(400) })],
    ['account request limit', new RequestLimitExceeded({ message: 'Throughput exceeds the account limit', $metadata: metadata(400) })],
    ['a DynamoDB 500', new InternalServerError({ message: 'Internal server error', $metadata: metadata(500) })],
    ['a missing table (mid-deploy)', new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: metadata(400) })],
    ['any 5xx by status alone', new DynamoDBServiceException({ name: 'SomethingNew', $fault: 'server', $metadata: metadata(503), message: 'x' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
    ['a re-wrapped socket error (only its message left)', new Error('socket hang up')],
    ['the request timeout', Object.assign(new Error('Connection timed out after 2000 ms'), { name: 'TimeoutError' })],
  ])('makes %s a DatabaseUnavailableError that keeps the original as its cause', (_kind, error) => {
    const translated = translateError(error);
    expect(translated).toBeInstanceOf(DatabaseUnavailableError);
    expect((translated as Error).cause).toBe(error);
  });

  it.each([
    ['Item size has exceeded the maximum allowed size', PayloadTooLargeError, 'Item is too large: DynamoDB stores at most 400 KB per item'],
    ['Nesting Levels have exceeded supported limits', ValidationError, 'Data is nested too deeply: at most 32 levels are allowed'],
    [
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
      ValidationError,
      'Item id must be at most 2048 bytes',
    ],
    [
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
      ValidationError,
      'A number is outside the range DynamoDB can store',
    ],
    ['Something else about the item', ValidationError, 'The database rejected the item as invalid'],
  ])('turns the ValidationException "%s" into a %p with a message a client can act on', (message, type, clientMessage) => {
    const translated = translateError(validation(message));
    expect(translated).toBeInstanceOf(type);
    expect((translated as Error).message).toBe(clientMessage);
  });

  it('returns anything it does not know unchanged, so it surfaces as an internal error', () => {
    const conditional = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata(400) });
    expect(translateError(conditional)).toBe(conditional);
    const bug = new TypeError('x is not a function');
    expect(translateError(bug)).toBe(bug);
    expect(translateError('a string')).toBe('a string');
  });
});
