import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../create-app';
import type { Core } from '../core/create-core';
import { answerClientErrors } from './client-errors';
import { createLifecycle } from './lifecycle';
import { listen } from './listen';

export interface RunningServer {
  server: Server;
  /** http://host:port */
  url: string;
  /**
   * The ECS stop sequence: keep serving for `shutdownDelayMs` (ECS may still
   * route for a moment after SIGTERM), then stop accepting, let in-flight
   * requests finish within `shutdownGraceMs`, cut what is left, close the
   * DynamoDB client. Safe to call twice.
   */
  shutdown(): Promise<void>;
}

/**
 * Keep-alive above the ALB's 60 s idle timeout, so the ALB, not Node, closes
 * idle connections; otherwise it can reuse a socket Node just closed and answer 502.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const HEADERS_TIMEOUT_MS = 66_000;

export async function startHttpServer(core: Core, options: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const { config, logger } = core;
  const server = createServer();
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  const lifecycle = createLifecycle();
  const { app, apollo } = await createApp({ core, httpServer: server, lifecycle });
  server.on('request', app);
  answerClientErrors(server);

  const address = await listen(server, options.port ?? config.port, options.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '[::]' || host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      lifecycle.startDraining();
      logger.info({ delayMs: config.shutdownDelayMs, graceMs: config.shutdownGraceMs }, 'draining');
      await sleep(config.shutdownDelayMs);
      // Apollo's drain plugin closes the listener, ends idle keep-alive sockets, waits for active ones, then cuts the rest.
      await apollo.stop();
      core.close();
      logger.info('stopped');
    })());

  return { server, url, shutdown };
}
