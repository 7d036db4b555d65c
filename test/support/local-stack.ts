import type { Logger } from '../../app/core/logger';
import { startService, type RunningService } from '../../app/start-service';
import { createHandler } from '../../lambda/create-handler';
import { startLocalAlb, type LocalAlb } from '../../local/alb';
import { startLocalLambdaApi, type LocalLambdaApi } from '../../local/lambda-api';
import { silentLogger, startTestCore, type TestCore } from './test-core';

export interface LocalStack {
  t: TestCore;
  service: RunningService;
  /** The Lambda Invoke API serving the DELETE handler as picus-test-delete. */
  lambdaApi: LocalLambdaApi;
  /** The local ALB: DELETE /picus/* to the Lambda handler, everything else to `service`. */
  alb: LocalAlb;
  close(): Promise<void>;
}

/**
 * What `npm start` runs, in this process: a core on a real DynamoDB-compatible
 * server, the service on a free port, and the local ALB in front of it with the
 * Lambda handler; resolves once the ALB calls the service healthy.
 */
export async function startLocalStack(env: Record<string, string> = {}, options: { logger?: Logger; edge?: { issuer: string; jwksUrl: string } } = {}): Promise<LocalStack> {
  // GraphQL's deleteItem invokes the Lambda through the Invoke API, as in AWS.
  const lambdaApi = await startLocalLambdaApi();
  const t = await startTestCore({ LAMBDA_ENDPOINT: lambdaApi.url, DELETE_FUNCTION_NAME: 'picus-test-delete', ...env }, { logger: options.logger });
  const service = await startService(t.core, { port: 0, host: '127.0.0.1' });
  const handler = createHandler({
    itemService: t.core.itemService,
    logger: options.logger ?? silentLogger(),
    cors: { origins: t.core.config.corsOrigins },
    tokenVerifier: t.core.tokenVerifier,
  });
  lambdaApi.register('picus-test-delete', handler);
  const alb = await startLocalAlb({ lambda: handler, healthCheck: { intervalMs: 200, timeoutMs: 1000, healthyThreshold: 1 }, jwtValidation: options.edge }, 0);
  alb.registerTarget(service.url);
  await alb.waitFor(service.url, 'healthy');
  return {
    t,
    service,
    alb,
    lambdaApi,
    close: async () => {
      await lambdaApi.close();
      await alb.close();
      await service.shutdown();
      await t.close();
    },
  };
}
