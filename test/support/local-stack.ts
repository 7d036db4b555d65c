import { createLogger, type Logger } from '../../app/core/logger';
import { startHttpServer, type RunningServer } from '../../app/http/http-server';
import { createHandler } from '../../lambda/create-handler';
import { startLocalAlb, type LocalAlb } from '../../local/alb';
import { startTestCore, type TestCore } from './test-core';

export interface LocalStack {
  t: TestCore;
  service: RunningServer;
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
  const t = await startTestCore(env, { logger: options.logger });
  const service = await startHttpServer(t.core, { port: 0, host: '127.0.0.1' });
  const handler = createHandler({
    itemService: t.core.itemService,
    logger: options.logger ?? createLogger({ logLevel: 'silent', environment: 'test' }),
    cors: { origins: t.core.config.corsOrigins },
    tokenVerifier: t.core.tokenVerifier,
  });
  const alb = await startLocalAlb({ lambda: handler, healthCheck: { intervalMs: 200, timeoutMs: 1000, healthyThreshold: 1 }, jwtValidation: options.edge }, 0);
  alb.registerTarget(service.url);
  await alb.waitFor(service.url, 'healthy');
  return {
    t,
    service,
    alb,
    close: async () => {
      await alb.close();
      await service.shutdown();
      await t.close();
    },
  };
}
