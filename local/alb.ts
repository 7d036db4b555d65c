import { Agent, createServer, request as httpRequest, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ALBEvent } from 'aws-lambda';
import { answerClientErrors } from '../app/http/client-errors';
import { listen } from '../app/http/listen';
import { ERROR_CATALOGUE, HttpError, toErrorResponse, type EdgeErrorCode } from '../app/wire/errors';
import { requestTarget } from '../app/wire/operations';
import { buildAlbEvent, forwardedHeaders, LAMBDA_PAYLOAD_LIMIT, readAlbResult } from './alb-event';
import { createEdgeJwtValidator } from './alb-jwt';
import { createRouter, loadListenerRules, type FixedResponse, type ListenerRules } from './alb-rules';

/** Any function that takes an ALB event and answers like a Lambda: the handler, invoked in-process. */
export type LambdaTarget = (event: ALBEvent, context: { awsRequestId: string }) => Promise<unknown>;

export interface HealthCheck {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** Status that counts as healthy (the target group's matcher). */
  matcher: number;
}

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface TargetStatus {
  url: string;
  state: TargetState;
  inFlight: number;
}

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

interface Target {
  url: URL;
  state: TargetState;
  inFlight: number;
  passes: number;
  failures: number;
  timer?: NodeJS.Timeout;
  drained?: () => void;
}

const DEFAULT_HEALTH_CHECK: HealthCheck = { path: '/health', intervalMs: 30_000, timeoutMs: 5_000, healthyThreshold: 2, unhealthyThreshold: 3, matcher: 200 };

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
  const health: HealthCheck = { ...DEFAULT_HEALTH_CHECK, ...options.healthCheck };
  const multiValueHeaders = options.multiValueHeaders ?? false;
  const targetGroupArn = options.targetGroupArn ?? 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/picus-delete/local';
  const deregistrationDelayMs = options.deregistrationDelayMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  // Keep-alive to targets, closing idle sockets before the targets' own 65 s keep-alive timeout, as the ALB does.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: idleTimeoutMs });
  const targets = new Map<string, Target>();
  const waiters = new Set<() => void>();
  let nextTarget = 0;
  let invocations = 0;

  const setState = (target: Target, state: TargetState): void => {
    target.state = state;
    waiters.forEach((check) => check());
  };

  const checkHealth = (target: Target): void => {
    const req = httpRequest(new URL(health.path, target.url), { agent, timeout: health.timeoutMs, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }, (res) => {
      res.resume();
      record(target, res.statusCode === health.matcher);
    });
    req.on('timeout', () => req.destroy(new Error('health check timed out')));
    req.on('error', () => record(target, false));
    req.end();
  };

  const record = (target: Target, ok: boolean): void => {
    if (target.state === 'draining' || !targets.has(target.url.origin)) return;
    if (ok) {
      target.failures = 0;
      target.passes += 1;
      if (target.state !== 'healthy' && target.passes >= health.healthyThreshold) setState(target, 'healthy');
    } else {
      target.passes = 0;
      target.failures += 1;
      if (target.state !== 'unhealthy' && target.failures >= health.unhealthyThreshold) setState(target, 'unhealthy');
    }
  };

  /** Round robin over healthy targets; with none healthy the ALB fails open to every registered target. */
  const pickTarget = (): Target | undefined => {
    const live = [...targets.values()].filter((t) => t.state !== 'draining');
    const healthy = live.filter((t) => t.state === 'healthy');
    const pool = healthy.length > 0 ? healthy : live;
    if (pool.length === 0) return undefined;
    nextTarget = (nextTarget + 1) % pool.length;
    return pool[nextTarget];
  };

  const finishOne = (target: Target): void => {
    target.inFlight -= 1;
    if (target.state === 'draining' && target.inFlight === 0) target.drained?.();
  };

  /** The ALB's own answers. The real ALB sends an HTML page; locally they keep the JSON error shape clients parse. */
  const sendError = (res: ServerResponse, code: EdgeErrorCode): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // The catalogue's status; the message is the reason phrase, as the real ALB's page says.
    const { status } = ERROR_CATALOGUE[code];
    const answer = toErrorResponse(new HttpError(code, STATUS_CODES[status], code === 'UNAUTHENTICATED' ? { 'WWW-Authenticate': 'Bearer' } : {}));
    const body = JSON.stringify(answer.body);
    // The ALB's own answers: no CORS headers can be configured on them (docs/api.md, "Calling from a browser").
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), server: 'awselb/2.0', ...answer.headers });
    res.end(body);
  };

  /** A rule's (or the default action's) fixed-response action: the configured status and body, nothing forwarded. */
  const sendFixed = (req: IncomingMessage, res: ServerResponse, fixed: FixedResponse): void => {
    req.resume();
    res.writeHead(fixed.status_code, { 'content-type': fixed.content_type, 'content-length': Buffer.byteLength(fixed.message_body), server: 'awselb/2.0' });
    res.end(req.method === 'HEAD' ? undefined : fixed.message_body);
  };

  const forwardToService = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const target = pickTarget();
    if (!target) {
      sendError(res, 'NO_HEALTHY_TARGET');
      return;
    }
    target.inFlight += 1;
    let done = false;
    const finish = (): void => {
      if (!done) {
        done = true;
        finishOne(target);
      }
    };
    // From the raw headers, every line as sent: Node's req.headers keeps only the first of some (Authorization among
    // them), and a proxy that dropped the others would hide a duplicated header from the target, which refuses it.
    const headers: Record<string, string | string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      const value = req.rawHeaders[i + 1]!;
      if (name === 'connection' || name === 'keep-alive') continue;
      const prior = headers[name];
      headers[name] = prior === undefined ? value : [...[prior].flat(), value];
    }
    Object.assign(headers, forwardedHeaders(req, port));
    const upstream = httpRequest(
      // The origin form of the target (an absolute-form request target loses its scheme and host, as a proxy's does).
      { protocol: target.url.protocol, hostname: target.url.hostname, port: target.url.port, method: req.method, path, headers, agent, timeout: idleTimeoutMs },
      (upstreamRes) => {
        const responseHeaders = { ...upstreamRes.headers };
        delete responseHeaders.connection;
        delete responseHeaders['keep-alive'];
        // The target answered before the whole request body arrived (a 400 or 413 for a large body, say).
        // What is left of that body is never read, so the client's connection cannot carry another
        // request: close it after this response, or the client's next request on it would wait forever.
        const early = !req.complete;
        if (early) responseHeaders.connection = 'close';
        res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders);
        upstreamRes.pipe(res);
        upstreamRes.on('end', () => {
          finish();
          if (early) {
            req.unpipe(upstream);
            upstream.destroy();
          }
        });
        upstreamRes.on('error', () => {
          finish();
          res.destroy();
        });
      },
    );
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('idle timeout'), { code: 'ALB_IDLE_TIMEOUT' })));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      finish();
      sendError(res, error.code === 'ALB_IDLE_TIMEOUT' ? 'GATEWAY_TIMEOUT' : 'BAD_GATEWAY');
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
      finish();
    });
    req.pipe(upstream);
  };

  const invokeLambda = async (req: IncomingMessage, res: ServerResponse, url: string): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end even past the limit: leaving a body unread would stall the client mid-upload.
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= LAMBDA_PAYLOAD_LIMIT) chunks.push(chunk as Buffer);
    }
    if (size > LAMBDA_PAYLOAD_LIMIT) {
      sendError(res, 'PAYLOAD_TOO_LARGE');
      return;
    }
    const event = buildAlbEvent({ req, url, body: Buffer.concat(chunks), targetGroupArn, multiValueHeaders, listenerPort: port });
    invocations += 1;
    let status: number;
    let headers: [string, string][];
    let body: Buffer;
    try {
      const result = await options.lambda(event, { awsRequestId: `local-${invocations}` });
      ({ status, headers, body } = readAlbResult(result, multiValueHeaders));
    } catch {
      // A Lambda that throws, times out or answers malformed JSON is a 502 at the ALB.
      sendError(res, 'BAD_GATEWAY');
      return;
    }
    res.statusCode = status;
    for (const [name, value] of headers) res.appendHeader(name, value);
    res.setHeader('content-length', body.length);
    res.end(body);
  };

  const validateJwt = options.jwtValidation ? createEdgeJwtValidator(options.jwtValidation) : undefined;
  let rejected = 0;
  const server: Server = createServer((req, res) => {
    // Rules match the parsed path (no query string), whatever form the request target took.
    const { path, query } = requestTarget(req.url ?? '/');
    const decision = router.route(req.method ?? 'GET', path);
    if (decision.action === 'fixed-response') return sendFixed(req, res, decision.response);
    const { target, jwt } = decision;
    const dispatch = (): void => {
      if (target === 'lambda') invokeLambda(req, res, path + query).catch(() => sendError(res, 'BAD_GATEWAY'));
      else forwardToService(req, res, path + query);
    };
    if (!validateJwt || !jwt) return dispatch();
    // The rule's jwt-validation action runs before forwarding: a bad token never reaches a target.
    void validateJwt(req.headers.authorization, jwt.scope).then((verdict) => {
      if (verdict === 'valid') return dispatch();
      rejected += 1;
      sendError(res, verdict === 'unavailable' ? 'JWKS_UNAVAILABLE' : 'UNAUTHENTICATED');
    });
  });
  server.keepAliveTimeout = idleTimeoutMs;
  answerClientErrors(server);

  const actualPort = (await listen(server, port, host)).port;
  port = actualPort;

  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`,
    port: actualPort,
    edgeRejections: () => rejected,
    registerTarget(url) {
      const parsed = new URL(url);
      if (targets.has(parsed.origin)) return;
      const target: Target = { url: parsed, state: 'initial', inFlight: 0, passes: 0, failures: 0 };
      targets.set(parsed.origin, target);
      checkHealth(target);
      target.timer = setInterval(() => checkHealth(target), health.intervalMs);
      target.timer.unref();
    },
    async deregisterTarget(url) {
      const target = targets.get(new URL(url).origin);
      if (!target) return;
      clearInterval(target.timer);
      setState(target, 'draining');
      if (target.inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deregistrationDelayMs);
          target.drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      targets.delete(target.url.origin);
    },
    targets: () => [...targets.values()].map((t) => ({ url: t.url.origin, state: t.state, inFlight: t.inFlight })),
    waitFor(url, state, timeoutMs = 30_000) {
      const origin = new URL(url).origin;
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (targets.get(origin)?.state === state) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${origin} did not become ${state} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        targets.forEach((t) => clearInterval(t.timer));
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
