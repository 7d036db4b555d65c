import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../core/logger';
import { traceRootOf } from '../core/trace';
import { principalOf } from './operations';

declare module 'express-serve-static-core' {
  interface Request {
    /** From the ALB's X-Amzn-Trace-Id (its Root) when present, else generated; log it as `requestId`. */
    id: string;
  }
}

const SAFE_ID = /^[A-Za-z0-9._:=-]{1,128}$/;

export function requestIdFrom(traceHeader: string | string[] | undefined): string {
  const root = traceRootOf(traceHeader);
  if (root) return root;
  const header = Array.isArray(traceHeader) ? traceHeader[0] : traceHeader;
  if (header && SAFE_ID.test(header)) return header;
  return randomUUID();
}

/**
 * Gives every request an id and logs one line when the response finishes:
 * request id, method, the operation's path template (never the raw URL, which carries keys),
 * status and duration. Headers and bodies are never logged.
 *
 * Other lines about a request carry `requestId` themselves. A pino child logger
 * per request (or a lazy getter for one on `req`) was a measurable share of a
 * GET's CPU time (docs/benchmarks.md).
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-amzn-trace-id']);
    req.id = requestId;
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      // The catalogued operation's path template, or 'unmatched' for what the gate refused.
      const route = res.locals.operation?.path ?? 'unmatched';
      // The load balancer's health checks (every few seconds per target) are logged at debug while they pass.
      const healthCheck = (req.headers['user-agent'] ?? '').startsWith('ELB-HealthChecker/') && res.statusCode < 400;
      const level = res.statusCode >= 500 ? 'error' : healthCheck ? 'debug' : 'info';
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger[level]({ requestId, method: req.method, route, status: res.statusCode, durationMs, ...principalOf(res) }, 'request');
    });
    next();
  };
}
