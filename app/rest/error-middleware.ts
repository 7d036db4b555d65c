import type { NextFunction, Request, Response } from 'express';
import { describeCause } from '../core/errors';
import type { Logger } from '../core/logger';
import { graphqlErrorBody, toErrorResponse } from '../http/http-errors';

/** The REST transport's single error mapping point; registered last. */
export function errorMiddleware(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { status, body, headers, internal } = toErrorResponse(error);
    if (internal) logger.error({ requestId: req.id, err: error }, 'unhandled error');
    else if (status >= 500) logger.warn({ requestId: req.id, code: body.code, cause: describeCause(error) }, 'dependency failure');
    if (req.path === '/graphql' && !res.headersSent) {
      // Refused before GraphQL ran (the token check): answered in GraphQL's error shape, with the same status.
      res.status(status).set(headers).json(graphqlErrorBody(body));
      return;
    }
    if (res.headersSent) {
      // A streamed response already promised 200: cut the connection so the client sees a truncated body, not a complete one.
      res.destroy();
      return;
    }
    res.status(status).set(headers).json(body);
  };
}
