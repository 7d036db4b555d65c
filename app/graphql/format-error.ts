import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DeleteUnavailableError, DomainError, VersionConflictError } from '../core/errors';

/**
 * The GraphQL transport's single error mapping point. Domain errors keep their
 * message and code; GraphQL's own errors (parse, validation, variable
 * coercion, limits) pass through; anything else is masked. No stack traces.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const { locations, path } = formatted;
  if (original instanceof VersionConflictError) {
    // GraphQL speaks of versions, not preconditions: CONFLICT, with where the item stands.
    return { message: original.message, locations, path, extensions: { code: 'CONFLICT', currentVersion: original.currentVersion } };
  }
  if (original instanceof DeleteUnavailableError) {
    return { message: original.message, locations, path, extensions: { code: original.code, retryAfterSeconds: original.retryAfterSeconds } };
  }
  if (original instanceof DomainError) {
    return { message: original.message, locations, path, extensions: { code: original.code } };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    return { message: formatted.message, locations, path, extensions: { code } };
  }
  return { message: 'Internal server error', locations, path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Whether an error reaching the client was unexpected, so it is logged with its stack. */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original.code === 'INTERNAL';
  return !(original instanceof GraphQLError) || original.extensions.code === undefined || original.extensions.code === 'INTERNAL_SERVER_ERROR';
}
