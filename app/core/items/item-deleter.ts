import type { Item } from './item';

/**
 * The port GraphQL's deleteItem deletes through. The service deletes nothing itself: its adapter,
 * app/core/aws/lambda-item-deleter.ts, invokes the DELETE Lambda with the caller's own token, which the Lambda checks.
 * createCore builds it; tests may pass another.
 */
export interface ItemDeleter {
  /** The deleted item; NOT_FOUND, FORBIDDEN, UNAUTHENTICATED, VALIDATION_FAILED or DELETE_UNAVAILABLE otherwise. */
  delete(id: string, caller: { authorization?: string; traceId?: string }): Promise<Item>;
}
