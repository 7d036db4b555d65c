import type { Logger } from '../../app/core/logger';
import type { RunningService } from '../../app/start-service';
import type { LocalAlb } from '../../local/alb';
import type { LocalLambdaApi } from '../../local/lambda-api';
import { startLocalSystem } from '../../local/system';
import { countedCore, startTestDynamo, testTableName, type TestCore } from './test-core';

export interface LocalStack {
  /** The one core of the service and the Lambda, its DynamoDB calls counted. */
  t: TestCore;
  service: RunningService;
  /** The Lambda Invoke API serving the DELETE handler as picus-test-delete. */
  lambdaApi: LocalLambdaApi;
  /** The local ALB: DELETE /picus/* to the Lambda handler, everything else to `service`. */
  alb: LocalAlb;
  close(): Promise<void>;
}

/**
 * What `npm start` runs (local/system.ts), in this process, on a real DynamoDB-compatible server and a fresh table,
 * every listener on a free port, with no local issuer (a test brings its own through AUTH_ISSUER) and the ALB's
 * token check only when `edge` is set. Resolves once the ALB calls the service healthy.
 */
export async function startLocalStack(env: Record<string, string> = {}, options: { logger?: Logger; edge?: boolean } = {}): Promise<LocalStack> {
  const dynamo = await startTestDynamo();
  let counted: ReturnType<typeof countedCore> | undefined;
  try {
    const system = await startLocalSystem({
      env: { NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_TABLE_NAME: testTableName(), DELETE_FUNCTION_NAME: 'picus-test-delete', ...env },
      issuer: false,
      edgeJwtValidation: options.edge ?? false,
      host: '127.0.0.1',
      servicePort: 0,
      albPort: 0,
      healthCheck: { intervalMs: 200, timeoutMs: 1000, healthyThreshold: 1 },
      // One core for the service and the Lambda, so a test counts every DynamoDB call either makes.
      coreFor: (config) => (counted ??= countedCore(config, options.logger)).core,
    });
    const t: TestCore = {
      core: system.core,
      endpoint: dynamo.endpoint,
      calls: counted!.calls,
      close: async () => {
        counted?.destroy();
        await dynamo.close();
      },
    };
    return {
      t,
      service: system.service,
      alb: system.alb,
      lambdaApi: system.lambdaApi,
      close: async () => {
        await system.close();
        await t.close();
      },
    };
  } catch (error) {
    counted?.destroy();
    await dynamo.close();
    throw error;
  }
}
