import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from '../config';

/**
 * The service's Lambda client, for GraphQL's deleteItem (the ECS service deletes nothing itself). In AWS it calls
 * the Lambda API with the task role; under `npm start`, LAMBDA_ENDPOINT points it at the local Invoke API, so the
 * same SDK call runs in both. A few seconds' budget: the function's own DynamoDB budget is 3 × 2 s.
 */
export function createLambdaClient(config: Pick<Config, 'region' | 'lambdaEndpoint'>): LambdaClient {
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  return new LambdaClient({
    region: config.region,
    endpoint: config.lambdaEndpoint,
    credentials: config.lambdaEndpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 1000,
      requestTimeout: 8000,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
}
