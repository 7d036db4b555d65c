import { Agent, createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerClientErrors } from '../app/http/client-errors';
import { listen } from '../app/http/listen';
import { requestTarget } from '../app/wire/operations';
import { sendEdgeError, sendEdgeErrorOnSocket, sendFixed, sendFixedOnSocket } from './alb-answers';
import { forwardToService, forwardUpgrade, invokeLambdaTarget, type LambdaTarget } from './alb-forward';
import { createEdgeJwtValidator } from './alb-jwt';
import { createRouter, loadListenerRules, type ListenerRules } from './alb-rules';
import { createTargetGroup, DEFAULT_HEALTH_CHECK, type HealthCheck, type TargetState, type TargetStatus } from './alb-targets';

export type { HealthCheck, LambdaTarget, TargetState, TargetStatus };

export interface LocalAlbOptions {
  lambda: LambdaTarget;
  rules?: ListenerRules;
  /** Lambda target group attribute lambda.multi_value_headers.enabled. */
  multiValueHeaders?: boolean;
  /** The target group's health check; the Terraform values (30 s interval) by default, shorter locally. */
  healthCheck?: Partial<HealthCheck>;
  /** How long a deregistered target may finish in-flight requests (the target group's deregistration delay). */
  deregistrationDelayMs?: number;
  /** The ALB's idle timeout: a target that sends nothing for this long gets a 504. */
  idleTimeoutMs?: number;
  targetGroupArn?: string;
  /** The HTTPS listener's jwt-validation settings; unset, rules forward without checking tokens (an HTTP listener). */
  jwtValidation?: { issuer: string; jwksUrl: string };
  /** A production listener has no rules for the reference pages (development_only), as Terraform's has none. */
  production?: boolean;
}

export interface LocalAlb {
  url: string;
  port: number;
  /** Adds a service target (http://host:port); it takes traffic once it passes the health check. */
  registerTarget(url: string): void;
  /** Stops new traffic to the target and resolves once its in-flight requests finished or the delay passed. */
  deregisterTarget(url: string): Promise<void>;
  targets(): TargetStatus[];
  /** Resolves when the target reaches the state (for tests and rolling-deploy replays). */
  waitFor(url: string, state: TargetState, timeoutMs?: number): Promise<void>;
  /** Requests the jwt-validation action refused before any target saw them. */
  edgeRejections(): number;
  close(): Promise<void>;
}

/**
 * A local Application Load Balancer: the listener rules of the Terraform ALB
 * (read from the same file), DELETE /picus/* to the Lambda handler invoked
 * in-process with the event the real ALB builds, everything else to healthy
 * service targets over HTTP, with target health checks and draining.
 *
 * @example
 * const alb = await startLocalAlb({ lambda: handler, healthCheck: { intervalMs: 1000 } }, 8080);
 * alb.registerTarget('http://127.0.0.1:8000');
 */
export async function startLocalAlb(options: LocalAlbOptions, port = 8080, host = '127.0.0.1'): Promise<LocalAlb> {
  const router = createRouter(options.rules ?? loadListenerRules(), { production: options.production });
  const multiValueHeaders = options.multiValueHeaders ?? false;
  const targetGroupArn = options.targetGroupArn ?? 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/picus-delete/local';
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  // Keep-alive to targets, closing idle sockets before the targets' own 65 s keep-alive timeout, as the ALB does.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: idleTimeoutMs });
  const group = createTargetGroup({
    health: { ...DEFAULT_HEALTH_CHECK, ...options.healthCheck },
    agent,
    deregistrationDelayMs: options.deregistrationDelayMs ?? 30_000,
  });
  const validateJwt = options.jwtValidation ? createEdgeJwtValidator(options.jwtValidation) : undefined;
  let invocations = 0;
  let rejected = 0;

  /**
   * The rule's jwt-validation action, before any forward: a bad token never reaches a target. `refuse` answers with
   * the ALB's own error, on a response or on an upgrade's socket.
   */
  const admit = (
    req: IncomingMessage,
    jwt: { scope: string | null } | undefined,
    pass: () => void,
    refuse: (code: 'JWKS_UNAVAILABLE' | 'UNAUTHENTICATED') => void,
  ): void => {
    if (!validateJwt || !jwt) return pass();
    void validateJwt(req.headers.authorization, jwt.scope).then((verdict) => {
      if (verdict === 'valid') return pass();
      rejected += 1;
      refuse(verdict === 'unavailable' ? 'JWKS_UNAVAILABLE' : 'UNAUTHENTICATED');
    });
  };

  const server: Server = createServer((req, res) => {
    // Rules match the parsed path (no query string), whatever form the request target took.
    const { path, query } = requestTarget(req.url ?? '/');
    const decision = router.route(req.method ?? 'GET', path, req.headers);
    if (decision.action === 'fixed-response') return sendFixed(req, res, decision.response);
    const dispatch = (): void => {
      if (decision.target === 'service') return forwardToService(req, res, path + query, { group, agent, listenerPort: port, idleTimeoutMs });
      invocations += 1;
      const lambda = { lambda: options.lambda, requestId: `local-${invocations}`, targetGroupArn, multiValueHeaders, listenerPort: port };
      invokeLambdaTarget(req, res, path + query, lambda).catch(() => sendEdgeError(res, 'BAD_GATEWAY'));
    };
    admit(req, decision.jwt, dispatch, (code) => sendEdgeError(res, code));
  });
  // WebSocket upgrades meet the same rules; a forward to the service is piped both ways (the Lambda serves no upgrade).
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { path, query } = requestTarget(req.url ?? '/');
    const decision = router.route(req.method ?? 'GET', path, req.headers);
    if (decision.action === 'fixed-response') return sendFixedOnSocket(socket, decision.response);
    if (decision.target !== 'service') return sendEdgeErrorOnSocket(socket, 'BAD_GATEWAY');
    const forward = () => forwardUpgrade(req, socket, head, path + query, { group, listenerPort: port });
    admit(req, decision.jwt, forward, (code) => sendEdgeErrorOnSocket(socket, code));
  });
  server.keepAliveTimeout = idleTimeoutMs;
  answerClientErrors(server);
  port = (await listen(server, port, host)).port;

  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    port,
    edgeRejections: () => rejected,
    registerTarget: (url) => group.register(url),
    deregisterTarget: (url) => group.deregister(url),
    targets: () => group.list(),
    waitFor: (url, state, timeoutMs) => group.waitFor(url, state, timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        group.close();
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
