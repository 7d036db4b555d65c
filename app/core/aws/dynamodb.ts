import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from '../config';

export type DynamoConfig = Pick<Config, 'region' | 'dynamodbEndpoint' | 'dynamodbRequestTimeoutMs' | 'dynamodbConnectTimeoutMs' | 'dynamodbMaxAttempts'>;

/**
 * The one DynamoDB client of a process: build it in the composition root
 * (service start-up, Lambda module scope), never per request.
 *
 * Timeouts and a bounded retry count make an unreachable database answer in
 * seconds (connect 1 s, request 2 s, 3 attempts by default) rather than the
 * SDK's defaults, which can wait for minutes.
 *
 * @example
 * const doc = createDocumentClient(loadConfig(process.env));
 */
export function createDocumentClient(config: DynamoConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(config), {
    marshallOptions: {
      removeUndefinedValues: true,
      // JSON.parse already produced a double: store exactly that double, whatever its size.
      allowImpreciseNumbers: true,
      // The SDK tells a plain object by `value.constructor.name === 'Object'`; JSON like {"constructor": {}} fails that
      // test. Everything we store comes from JSON.parse, so every object is a plain one: marshal each as a map.
      convertClassInstanceToMap: true,
    },
    // Read every number back as the same JS double it was written from, never BigInt (which JSON cannot carry).
    unmarshallOptions: { wrapNumbers: (value: string) => Number(value) },
  });
}

/** The low-level client under the document client, with the same timeouts and credentials (table set-up uses it). */
export function createDynamoClient(config: DynamoConfig): DynamoDBClient {
  const agentOptions = { keepAlive: true, maxSockets: 128 };
  return new DynamoDBClient({
    region: config.region,
    endpoint: config.dynamodbEndpoint,
    maxAttempts: config.dynamodbMaxAttempts,
    // Emulators accept any signature; AWS credentials come from the task or function role.
    credentials: config.dynamodbEndpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: config.dynamodbConnectTimeoutMs,
      requestTimeout: config.dynamodbRequestTimeoutMs,
      // Without this, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
}

/** `DynamoDBDocumentClient.destroy()` is a no-op: close the sockets of the handler it shares with the base client. */
export function destroyDocumentClient(doc: DynamoDBDocumentClient): void {
  const handler = doc.config.requestHandler as { destroy?: () => void };
  handler.destroy?.();
}
