/**
 * Domain errors with stable codes. Clients depend on `code`, never on messages. This table is the one home of the
 * domain codes and of the message each sends when it carries none of its own; what a code means on the wire
 * (status, retry hint, GraphQL's name for it) is in the catalogue, app/wire/errors.ts, which takes codes and messages
 * from here. app/core knows nothing of HTTP.
 */
export const DOMAIN_ERRORS = {
  VALIDATION_FAILED: 'Malformed request',
  UNAUTHENTICATED: 'An access token is required',
  FORBIDDEN: 'The access token lacks the scope this operation needs',
  NOT_FOUND: 'Not found',
  PRECONDITION_FAILED: 'The item is no longer at the version named',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type: send application/json',
  PRECONDITION_REQUIRED: 'Send If-Match with the ETag of the version you read (or If-Match: * to overwrite any version)',
  INTERNAL: 'Internal server error',
  DATABASE_UNAVAILABLE: 'Database temporarily unavailable, retry later',
  AUTH_UNAVAILABLE: 'Token verification is temporarily unavailable, retry later',
  DELETE_UNAVAILABLE: 'Deleting is temporarily unavailable, retry later',
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

/** The item with this id does not exist. The message is the original's, kept for its clients. */
export function itemNotFound(id: string, options?: ErrorOptions): NotFoundError {
  return new NotFoundError(`Item with id '${id}' not found`, options);
}

export class ValidationError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('VALIDATION_FAILED', message, options);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('PAYLOAD_TOO_LARGE', message, options);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(message: string, options?: ErrorOptions) {
    super('UNSUPPORTED_MEDIA_TYPE', message, options);
  }
}

/** DynamoDB throttled us, timed out or could not be reached: the caller may retry later. */
export class DatabaseUnavailableError extends DomainError {
  constructor(message: string = DOMAIN_ERRORS.DATABASE_UNAVAILABLE, options?: ErrorOptions) {
    super('DATABASE_UNAVAILABLE', message, options);
  }
}

/** No bearer token, or one that does not verify. `presented`: a token was sent (RFC 6750 then says error="invalid_token"). */
export class UnauthenticatedError extends DomainError {
  readonly presented: boolean;
  constructor(presented: boolean, message?: string, options?: ErrorOptions) {
    super('UNAUTHENTICATED', message ?? (presented ? 'The access token is invalid or expired' : DOMAIN_ERRORS.UNAUTHENTICATED), options);
    this.presented = presented;
  }
}

/** A valid token without the scope the operation needs. */
export class ForbiddenError extends DomainError {
  /** The scope the token lacks (WWW-Authenticate names it: RFC 6750 insufficient_scope). */
  readonly scope: string;
  constructor(scope: string, message?: string, options?: ErrorOptions) {
    super('FORBIDDEN', message ?? `The access token lacks the scope ${scope}`, options);
    this.scope = scope;
  }
}

/** The issuer's keys cannot be fetched and none are cached: the token may be good, so never a 401. */
export class AuthUnavailableError extends DomainError {
  constructor(message: string = DOMAIN_ERRORS.AUTH_UNAVAILABLE, options?: ErrorOptions) {
    super('AUTH_UNAVAILABLE', message, options);
  }
}

/** A write that named a version (If-Match, expectedVersion) the item is no longer at: nothing was written. */
export class VersionConflictError extends DomainError {
  constructor(
    readonly id: string,
    readonly currentVersion: number,
    message = `Item '${id}' is at version ${currentVersion}: read it again and retry`,
    options?: ErrorOptions,
  ) {
    super('PRECONDITION_FAILED', message, options);
  }
}

/** A replace with no precondition: refused (RFC 6585 428), so no client overwrites an item blindly. */
export class PreconditionRequiredError extends DomainError {
  constructor(message: string = DOMAIN_ERRORS.PRECONDITION_REQUIRED, options?: ErrorOptions) {
    super('PRECONDITION_REQUIRED', message, options);
  }
}

/** The DELETE Lambda is throttled, timed out or unreachable: the caller may retry later. */
export class DeleteUnavailableError extends DomainError {
  constructor(message: string = DOMAIN_ERRORS.DELETE_UNAVAILABLE, options?: ErrorOptions) {
    super('DELETE_UNAVAILABLE', message, options);
  }
}

/** `Name: message` of an error's cause, for logs (never for clients). */
export function describeCause(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
