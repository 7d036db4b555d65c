/**
 * Domain errors with stable codes. Clients depend on `code`, never on messages;
 * each transport (REST, GraphQL, Lambda) maps codes to its own status once.
 */

export type ErrorCode =
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'HEADERS_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'DATABASE_UNAVAILABLE'
  | 'SHUTTING_DOWN'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'DELETE_UNAVAILABLE'
  | 'AUTH_UNAVAILABLE'
  | 'INTERNAL';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
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
  /** Seconds a client should wait before retrying. */
  readonly retryAfterSeconds = 1;
  constructor(message = 'Database temporarily unavailable, retry later', options?: ErrorOptions) {
    super('DATABASE_UNAVAILABLE', message, options);
  }
}

/** No bearer token, or one that does not verify. `presented`: a token was sent (RFC 6750 then says error="invalid_token"). */
export class UnauthenticatedError extends DomainError {
  constructor(
    readonly presented: boolean,
    message = presented ? 'The access token is invalid or expired' : 'An access token is required',
    options?: ErrorOptions,
  ) {
    super('UNAUTHENTICATED', message, options);
  }
}

/** A valid token without the scope the operation needs. */
export class ForbiddenError extends DomainError {
  constructor(
    readonly scope: string,
    message = `The access token lacks the scope ${scope}`,
    options?: ErrorOptions,
  ) {
    super('FORBIDDEN', message, options);
  }
}

/** The issuer's keys cannot be fetched and none are cached: the token may be good, so never a 401. */
export class AuthUnavailableError extends DomainError {
  readonly retryAfterSeconds = 5;
  constructor(message = 'Token verification is temporarily unavailable, retry later', options?: ErrorOptions) {
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
  constructor(message = 'Send If-Match with the ETag of the version you read (or If-Match: * to overwrite any version)', options?: ErrorOptions) {
    super('PRECONDITION_REQUIRED', message, options);
  }
}

/** The DELETE Lambda is throttled, timed out or unreachable: the caller may retry later. */
export class DeleteUnavailableError extends DomainError {
  readonly retryAfterSeconds = 1;
  constructor(message = 'Deleting is temporarily unavailable, retry later', options?: ErrorOptions) {
    super('DELETE_UNAVAILABLE', message, options);
  }
}

/** Makes a missing branch of a switch over a union a compile error. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${JSON.stringify(value)}`);
  }
}

/** `Name: message` of an error's cause, for logs (never for clients). */
export function describeCause(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/**
 * One code-to-status table for every HTTP transport (the REST routes and the
 * DELETE Lambda). GraphQL answers 200 with the code in `extensions.code`.
 */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'NOT_FOUND':
      return 404;
    case 'VALIDATION_FAILED':
      return 400;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'HEADERS_TOO_LARGE':
      return 431;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'PRECONDITION_FAILED':
      return 412;
    case 'PRECONDITION_REQUIRED':
      return 428;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'DATABASE_UNAVAILABLE':
    case 'SHUTTING_DOWN':
    case 'AUTH_UNAVAILABLE':
    case 'DELETE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
    default:
      throw new UnreachableCaseError(code);
  }
}
