import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../core/logger';
import { traceRootOf } from '../core/trace';

declare module 'express-serve-static-core' {
  interface Request {
    /** From the ALB's X-Amzn-Trace-Id (its Root) when present, else generated. */
    id: string;
    log: Logger;
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
 * Gives every request an id and a child logger, and logs one line when the
 * response finishes: method, route pattern (never the raw URL, which carries
 * keys), status and duration. Headers and bodies are never logged.
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    req.id = requestIdFrom(req.headers['x-amzn-trace-id']);
    req.log = logger.child({ requestId: req.id });
    res.setHeader('X-Request-Id', req.id);
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.originalUrl.startsWith('/graphql') ? '/graphql' : 'unmatched';
      const level = res.statusCode >= 500 ? 'error' : 'info';
      req.log[level]({ method: req.method, route, status: res.statusCode, durationMs: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
    });
    next();
  };
}
