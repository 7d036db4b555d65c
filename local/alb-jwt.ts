import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { bearerCredentials } from '../app/wire/auth';

/**
 * The ALB's jwt-validation action, as the local ALB applies it before forwarding
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html): an RS256 bearer
 * token whose signature verifies against the issuer's JWKS, with `iss` and `exp` required and `nbf`/`iat` checked
 * when present, and the `scope` claim (space-separated values) holding the scope the rule names. No audience:
 * the edge does not check one; the targets do.
 */
export type EdgeVerdict = 'valid' | 'invalid' | 'unavailable';

export function createEdgeJwtValidator(options: {
  issuer: string;
  jwksUrl: string;
}): (authorization: string | undefined, scope: string | null) => Promise<EdgeVerdict> {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 1000, timeoutDuration: 2000 });
  return async (authorization, scope) => {
    const credentials = bearerCredentials(authorization);
    if (credentials.kind !== 'token') return 'invalid';
    const { token } = credentials;
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, algorithms: ['RS256'], requiredClaims: ['exp'] });
      if (scope === null) return 'valid';
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      return scopes.includes(scope) ? 'valid' : 'invalid';
    } catch (error) {
      // Keys that could not be fetched (no answer, a timeout, a non-200, a body that is not JSON) are not a bad token.
      const fetchFailed =
        (error as Error).name === 'TypeError' || error instanceof joseErrors.JWKSTimeout || (error as Error).constructor === joseErrors.JOSEError;
      return fetchFailed ? 'unavailable' : 'invalid';
    }
  };
}
