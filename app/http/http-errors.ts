import type { Response } from 'express';
import { graphqlErrorBody, toErrorResponse, type ErrorResponse } from '../wire/errors';

/**
 * Answers an error from the catalogue (app/wire/errors.ts) with its status, headers and `{error, code}` body;
 * `fields` adds to the body (readiness says its `status`). Returns the answer, for the failure log.
 */
export function sendError(res: Response, error: unknown, fields: Record<string, unknown> = {}): ErrorResponse {
  const answer = toErrorResponse(error);
  res
    .status(answer.status)
    .set(answer.headers)
    .json({ ...fields, ...answer.body });
  return answer;
}

/** The same, in the GraphQL-over-HTTP shape, for errors answered before GraphQL runs (bad body, no or bad token). */
export function sendGraphQLError(res: Response, error: unknown): ErrorResponse {
  const answer = toErrorResponse(error);
  res.status(answer.status).set(answer.headers).json(graphqlErrorBody(answer.body));
  return answer;
}
