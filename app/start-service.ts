import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Core } from './core/create-core';
import { createApp } from './create-app';
import { startHttpServer } from './http/http-server';
import { createLifecycle } from './http/lifecycle';
import { attachSubscriptions } from './graphql/subscriptions';

export interface RunningService {
  server: Server;
  /** http://host:port */
  url: string;
  /**
   * The ECS stop sequence: keep serving for `shutdownDelayMs` (ECS may still
   * route for a moment after SIGTERM), then stop accepting, let in-flight
   * requests finish within `shutdownGraceMs`, cut what is left, stop Apollo,
   * close the DynamoDB client. Safe to call twice.
   */
  shutdown(): Promise<void>;
}

/**
 * The service's composition root: the app over a core, listening, with the stop sequence. `app/main.ts` calls it
 * with the environment's config; tests and `npm start` call it with their own core.
 *
 * @example
 * const service = await startService(createCore(loadConfig(process.env)), { port: 0 });
 */
export async function startService(core: Core, options: { port?: number; host?: string } = {}): Promise<RunningService> {
  const { config, logger } = core;
  const lifecycle = createLifecycle();
  const { app, apollo, schema } = await createApp({ core, lifecycle });
  const http = await startHttpServer(app, { port: options.port ?? config.port, host: options.host });
  const subscriptions = attachSubscriptions(http.server, { core, schema, draining: () => lifecycle.draining });

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      lifecycle.startDraining();
      logger.info({ delayMs: config.shutdownDelayMs, graceMs: config.shutdownGraceMs }, 'draining');
      await sleep(config.shutdownDelayMs);
      // WebSockets never finish like requests do: close them (1012, service restart) so clients reconnect elsewhere.
      await subscriptions.close();
      await http.drain(config.shutdownGraceMs);
      await apollo.stop();
      core.close();
      logger.info('stopped');
    })());

  return { server: http.server, url: http.url, shutdown };
}
