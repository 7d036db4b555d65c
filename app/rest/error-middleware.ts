import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../core/logger';
import { sendError, sendGraphQLError } from '../http/http-errors';
import { logFailure, toErrorResponse } from '../wire/errors';
import { requestTarget } from '../wire/operations';

/** The REST transport's single error mapping point; registered last. */
export function errorMiddleware(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      logFailure(logger, error, toErrorResponse(error), { requestId: req.id });
      // A streamed response already promised 200: cut the connection so the client sees a truncated body, not a complete one.
      res.destroy();
      return;
    }
    // Refused at /graphql (no token, another method): answered in GraphQL's error shape, with the same status.
    const answer = requestTarget(req.url).path === '/graphql' ? sendGraphQLError(res, error) : sendError(res, error);
    logFailure(logger, error, answer, { requestId: req.id });
  };
}
