import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { GraphQLError, Kind, parse, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authorize, type Principal } from '../core/auth/token-verifier';
import type { Core } from '../core/create-core';
import { AuthUnavailableError } from '../core/errors';
import { bearerCredentials } from '../wire/auth';
import { isAllowedOrigin } from '../wire/cors-policy';
import { graphqlCodeOf, HttpError, type ErrorCode } from '../wire/errors';
import { errorOnSocket } from '../http/socket-answer';
import { createResolver, requestTarget } from '../wire/operations';
import { changeStream } from './change-stream';
import { createContext } from './context';
import { MAX_TOKENS } from './create-graphql';
import { formatError } from './format-error';

/** Limits of one task's subscriptions (docs/api.md, "Subscriptions"). */
export const SUBSCRIPTION_LIMITS = {
  /** Largest message a client may send (a subscribe with its document and variables). */
  maxMessageBytes: 64 * 1024,
  subscriptionsPerConnection: 20,
  /** Changes, and their bytes, one subscription may fall behind before its client counts as slow and is disconnected. */
  maxQueuedChanges: 1000,
  maxQueuedBytes: 4 * 1024 * 1024,
  /** Bytes waiting in the socket before the client counts as slow. */
  maxBufferedBytes: 4 * 1024 * 1024,
  /** Server pings, well inside the ALB's 60 s idle timeout (terraform/modules/alb: idle_timeout). */
  keepAliveMs: 15_000,
  /** How long a client may take to send connection_init. */
  connectionInitWaitMs: 5_000,
} as const;

/** Close codes beyond the protocol's own (graphql-ws CloseCode): RFC 6455's. */
const POLICY_VIOLATION = 1008;
const SERVICE_RESTART = 1012;
const TRY_AGAIN_LATER = 1013;

export interface Subscriptions {
  /** Open WebSocket connections on this task. */
  connections(): number;
  /** Closes every socket with 1012 (service restart), so clients reconnect to another task; no new ones are accepted. */
  close(): Promise<void>;
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws, the graphql-transport-ws subprotocol) on the service's /graphql,
 * as Apollo Server documents for Express. The upgrade is refused before any WebSocket exists unless the catalogue
 * resolves it to GET /graphql (app/wire/operations.ts marks that operation `websocket`), its Origin is one the CORS
 * policy allows (or absent, for a non-browser), and the task has room. Browsers cannot set headers on a WebSocket,
 * so the token travels in connection_init ({ authorization: "Bearer <jwt>" }) and is verified by the same verifier as
 * a bearer header; subscribing needs picus/read, as a query does; the socket closes when the token expires.
 */
export function attachSubscriptions(server: Server, deps: { core: Core; schema: GraphQLSchema; draining: () => boolean }): Subscriptions {
  const { core } = deps;
  const { config, tokenVerifier } = core;
  const resolver = createResolver({ production: config.isProduction });
  const wss = new WebSocketServer({ noServer: true, maxPayload: SUBSCRIPTION_LIMITS.maxMessageBytes });
  let closing = false;

  const refuse = (socket: Duplex, code: ErrorCode, headers: Record<string, string> = {}): void =>
    errorOnSocket(socket, new HttpError(code, undefined, headers));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const found = resolver.resolve(req.method ?? 'GET', requestTarget(req.url ?? '/').path);
    if (found.kind === 'not-found' || found.kind === 'malformed') return refuse(socket, 'NOT_FOUND');
    if (found.kind !== 'operation' || !found.operation.websocket) return refuse(socket, 'METHOD_NOT_ALLOWED', { Allow: 'GET' });
    // Checked here rather than left to ws, which answers a broken handshake with a text/html 400 of its own.
    if (req.headers['sec-websocket-version'] !== '13' || !/^[+/0-9A-Za-z]{22}==$/.test(req.headers['sec-websocket-key'] ?? '')) {
      return errorOnSocket(socket, new HttpError('VALIDATION_FAILED', 'Not a WebSocket handshake (RFC 6455, 4.1)', { 'Sec-WebSocket-Version': '13' }));
    }
    if (config.corsOrigins.length > 0 || config.isProduction) {
      const origin = req.headers.origin;
      if (origin !== undefined && !isAllowedOrigin({ origins: config.corsOrigins }, origin)) return refuse(socket, 'FORBIDDEN');
    }
    if (closing || deps.draining()) return refuse(socket, 'SHUTTING_DOWN');
    if (wss.clients.size >= config.maxSubscriptionConnections) return refuse(socket, 'SHUTTING_DOWN', { 'Retry-After': '1' });
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const principals = new WeakMap<WebSocket, Principal | undefined>();
  const openSubscriptions = new WeakMap<WebSocket, Set<string>>();
  const expiries = new WeakMap<WebSocket, NodeJS.Timeout>();

  useServer(
    {
      schema: deps.schema,
      connectionInitWaitTimeout: SUBSCRIPTION_LIMITS.connectionInitWaitMs,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        if (!tokenVerifier) return true;
        const authorization = ctx.connectionParams?.authorization;
        try {
          const principal = await authorize(tokenVerifier, bearerCredentials(typeof authorization === 'string' ? authorization : undefined), 'token');
          principals.set(socket, principal);
          const left = principal.expiresAt - Date.now();
          const timer = setTimeout(() => socket.close(CloseCode.Unauthorized, 'Token expired'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
          timer.unref();
          expiries.set(socket, timer);
          return true;
        } catch (error) {
          if (error instanceof AuthUnavailableError) socket.close(TRY_AGAIN_LATER, 'Token verification unavailable');
          else socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
      },
      onSubscribe: (ctx, id, payload) => {
        // Counted here, not from graphql-ws's own map, which a subscription joins only once it has started.
        const open = openSubscriptions.get(ctx.extra.socket) ?? new Set<string>();
        openSubscriptions.set(ctx.extra.socket, open);
        if (open.size >= SUBSCRIPTION_LIMITS.subscriptionsPerConnection) {
          return [refused(`At most ${SUBSCRIPTION_LIMITS.subscriptionsPerConnection} subscriptions per connection`)];
        }
        // Queries and mutations go over HTTP, where the edge and the gate check them; a WebSocket carries subscriptions.
        const document = safeParse(payload.query);
        const operations = document?.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION) ?? [];
        if (operations.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'subscription')) {
          return [refused('Only subscriptions are served over WebSocket; send queries and mutations over HTTP')];
        }
        open.add(id);
        return undefined;
      },
      onComplete: (ctx, id) => {
        openSubscriptions.get(ctx.extra.socket)?.delete(id);
      },
      context: (ctx) => {
        const socket = ctx.extra.socket;
        return createContext({
          itemService: core.itemService,
          requestId: randomUUID(),
          principal: principals.get(socket),
          authEnforced: tokenVerifier !== undefined,
          deleteItem: () => Promise.reject(new Error('mutations are not served over WebSocket')),
          changes: (id) =>
            changeStream(core.changeBus, {
              id,
              maxQueued: SUBSCRIPTION_LIMITS.maxQueuedChanges,
              maxQueuedBytes: SUBSCRIPTION_LIMITS.maxQueuedBytes,
              overflow: () => socket.close(POLICY_VIOLATION, 'Slow consumer'),
            }),
        });
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        // A client that does not read fills the socket's buffer: disconnect it rather than hold its changes in memory.
        if (ctx.extra.socket.bufferedAmount > SUBSCRIPTION_LIMITS.maxBufferedBytes) ctx.extra.socket.close(POLICY_VIOLATION, 'Slow consumer');
        // The same error mapping as over HTTP (codes from the catalogue, internals masked).
        if (!result.errors) return undefined;
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) as never };
      },
      onClose: (ctx) => {
        clearTimeout(expiries.get(ctx.extra.socket));
      },
    },
    wss,
    SUBSCRIPTION_LIMITS.keepAliveMs,
  );

  return {
    connections: () => wss.clients.size,
    async close() {
      closing = true;
      const open = [...wss.clients];
      await Promise.all(
        open.map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              ws.close(SERVICE_RESTART, 'Service restart');
              setTimeout(() => {
                ws.terminate();
                resolve();
              }, 2000).unref();
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A subscribe refused before it runs: graphql-ws sends it as the operation's error message, with the catalogue's code. */
const refused = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: graphqlCodeOf('VALIDATION_FAILED') } });

function safeParse(query: string) {
  try {
    return parse(query, { maxTokens: MAX_TOKENS });
  } catch {
    return undefined;
  }
}
