import type { NextFunction, Request, Response } from 'express';
import { describeCause } from '../core/errors';
import { toErrorResponse } from '../http/http-errors';

/** The REST transport's single error mapping point; registered last. */
export function errorMiddleware() {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { status, body, headers, internal } = toErrorResponse(error);
    if (internal) req.log.error({ err: error }, 'unhandled error');
    else if (status >= 500) req.log.warn({ code: body.code, cause: describeCause(error) }, 'dependency failure');
    if (res.headersSent) {
      // A streamed response already promised 200: cut the connection so the client sees a truncated body, not a complete one.
      res.destroy();
      return;
    }
    res.status(status).set(headers).json(body);
  };
}
