import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DeleteUnavailableError, DomainError, VersionConflictError } from '../core/errors';
import { ERROR_CATALOGUE, graphqlCodeOf } from '../wire/errors';

/**
 * The GraphQL transport's single error mapping point. Domain errors keep their
 * message and code; GraphQL's own errors (parse, validation, variable
 * coercion, limits) pass through; anything else is masked. No stack traces.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const { locations, path } = formatted;
  if (original instanceof VersionConflictError) {
    // GraphQL speaks of versions, not preconditions (the catalogue's CONFLICT), with where the item stands.
    return { message: original.message, locations, path, extensions: { code: graphqlCodeOf(original.code), currentVersion: original.currentVersion } };
  }
  if (original instanceof DeleteUnavailableError) {
    // The catalogue's retry hint, as REST would send it in Retry-After. Only this code carries it in GraphQL so far: the
    // other temporary codes answered without it before the catalogue existed, and clients may compare extensions whole.
    return {
      message: original.message,
      locations,
      path,
      extensions: { code: original.code, retryAfterSeconds: ERROR_CATALOGUE.DELETE_UNAVAILABLE.retryAfterSeconds },
    };
  }
  if (original instanceof DomainError) {
    return { message: original.message, locations, path, extensions: { code: original.code } };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === 'string' && code !== graphqlCodeOf('INTERNAL')) {
    return { message: formatted.message, locations, path, extensions: { code } };
  }
  return { message: ERROR_CATALOGUE.INTERNAL.message, locations, path, extensions: { code: graphqlCodeOf('INTERNAL') } };
}

/**
 * The error to log for one GraphQL error: what a resolver threw, or the GraphQL error itself when it is
 * unexpected; undefined for GraphQL's own client errors (parse, validation, variables, limits), which are not
 * failures of ours.
 */
export function originalOf(error: unknown): unknown {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError) {
    const code = original.extensions.code;
    return code === undefined || code === graphqlCodeOf('INTERNAL') ? (original.originalError ?? original) : undefined;
  }
  return original;
}
