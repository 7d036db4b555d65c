/**
 * What a caller presents and what it may be granted: the one home of the API's scopes and of the credentials type.
 * The token verifier and the Lambda check the scopes, the catalogue of operations (app/wire/operations.ts) names one
 * per operation, GraphQL's resolvers require them per field, the local issuer grants them, and Terraform's Cognito
 * resource server is generated from this table (terraform/modules/auth/scopes.json, `npm run generate`);
 * openapi/picus.yaml's security scheme is held equal to it by test/unit/wire/operations.test.ts.
 */

/** The Cognito resource server (and the prefix of every scope). */
export const RESOURCE_SERVER = 'picus';

/** One scope per kind of operation. */
export const SCOPES = { read: 'picus/read', write: 'picus/write', delete: 'picus/delete' } as const;
export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** What each scope grants, as the OpenAPI security scheme and the Cognito resource server describe it. */
export const SCOPE_DESCRIPTIONS: { readonly [S in Scope]: string } = {
  'picus/read': 'Read items',
  'picus/write': 'Create and replace items',
  'picus/delete': 'Delete items',
};

export const ALL_SCOPES: readonly Scope[] = Object.values(SCOPES);

/** What a transport read from the Authorization header (app/wire/auth.ts parses it; the verifier judges it). */
export type PresentedCredentials = { kind: 'absent' } | { kind: 'malformed' } | { kind: 'token'; token: string };
