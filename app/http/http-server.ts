import { createServer, type RequestListener, type Server } from 'node:http';
import { answerClientErrors } from './client-errors';
import { listen } from './listen';

/**
 * Keep-alive above the ALB's 60 s idle timeout, so the ALB, not Node, closes
 * idle connections; otherwise it can reuse a socket Node just closed and answer 502.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const HEADERS_TIMEOUT_MS = 66_000;

export interface HttpServer {
  server: Server;
  /** http://host:port */
  url: string;
  /**
   * Stops accepting, ends idle keep-alive sockets, lets in-flight requests finish within `graceMs`, then cuts
   * what is left. Responses still to start should say `Connection: close` by then (the lifecycle does it), so each
   * busy socket closes as its response ends. Resolves once every socket is gone; safe to call twice.
   */
  drain(graceMs: number): Promise<void>;
}

/** Listens with `handler` on a Node HTTP server tuned for the ALB; knows nothing of what the handler serves. */
export async function startHttpServer(handler: RequestListener, options: { port: number; host?: string }): Promise<HttpServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  answerClientErrors(server);

  const address = await listen(server, options.port, options.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '[::]' || host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;

  let draining: Promise<void> | undefined;
  const drain = (graceMs: number): Promise<void> =>
    (draining ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      // Since Node 19, close() also ends the idle keep-alive sockets (https://nodejs.org/api/http.html#servercloseidleconnections);
      // busy ones end as their responses do, each saying Connection: close.
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
    }));

  return { server, url, drain };
}
