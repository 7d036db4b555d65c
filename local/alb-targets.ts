import { request as httpRequest, type Agent } from 'node:http';

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

export interface Target {
  url: URL;
  state: TargetState;
  inFlight: number;
  passes: number;
  failures: number;
  timer?: NodeJS.Timeout;
  drained?: () => void;
}

/** The Terraform target group's health check (30 s interval); tests and npm start shorten it. */
export const DEFAULT_HEALTH_CHECK: HealthCheck = {
  path: '/health',
  intervalMs: 30_000,
  timeoutMs: 5_000,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  matcher: 200,
};

export interface TargetGroup {
  register(url: string): void;
  /** Stops new traffic to the target and resolves once its in-flight requests finished or the delay passed. */
  deregister(url: string): Promise<void>;
  /** Round robin over healthy targets; with none healthy the ALB fails open to every registered target. */
  pick(): Target | undefined;
  /** A request to the target begins; the function it returns ends it (once, however often it is called). */
  begin(target: Target): () => void;
  list(): TargetStatus[];
  waitFor(url: string, state: TargetState, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * The service's target group: registration, health checks with thresholds, round robin over healthy targets, and
 * draining with the deregistration delay, as the ALB does them.
 */
export function createTargetGroup(options: { health: HealthCheck; agent: Agent; deregistrationDelayMs: number }): TargetGroup {
  const { health, agent } = options;
  const targets = new Map<string, Target>();
  const waiters = new Set<() => void>();
  let next = 0;

  const setState = (target: Target, state: TargetState): void => {
    target.state = state;
    waiters.forEach((check) => check());
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

  const checkHealth = (target: Target): void => {
    const req = httpRequest(
      new URL(health.path, target.url),
      { agent, timeout: health.timeoutMs, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } },
      (res) => {
        res.resume();
        record(target, res.statusCode === health.matcher);
      },
    );
    req.on('timeout', () => req.destroy(new Error('health check timed out')));
    req.on('error', () => record(target, false));
    req.end();
  };

  return {
    register(url) {
      const parsed = new URL(url);
      if (targets.has(parsed.origin)) return;
      const target: Target = { url: parsed, state: 'initial', inFlight: 0, passes: 0, failures: 0 };
      targets.set(parsed.origin, target);
      checkHealth(target);
      target.timer = setInterval(() => checkHealth(target), health.intervalMs);
      target.timer.unref();
    },
    async deregister(url) {
      const target = targets.get(new URL(url).origin);
      if (!target) return;
      clearInterval(target.timer);
      setState(target, 'draining');
      if (target.inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.deregistrationDelayMs);
          target.drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      targets.delete(target.url.origin);
    },
    pick() {
      const live = [...targets.values()].filter((t) => t.state !== 'draining');
      const healthy = live.filter((t) => t.state === 'healthy');
      const pool = healthy.length > 0 ? healthy : live;
      if (pool.length === 0) return undefined;
      next = (next + 1) % pool.length;
      return pool[next];
    },
    begin(target) {
      target.inFlight += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        target.inFlight -= 1;
        // A draining target with no request left is done.
        if (target.state === 'draining' && target.inFlight === 0) target.drained?.();
      };
    },
    list: () => [...targets.values()].map((t) => ({ url: t.url.origin, state: t.state, inFlight: t.inFlight })),
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
    close: () => targets.forEach((t) => clearInterval(t.timer)),
  };
}
