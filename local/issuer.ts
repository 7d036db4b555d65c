import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { listen } from '../app/http/listen';
import { ALL_SCOPES } from '../app/core/auth/access';

/**
 * The local OAuth 2.0 / OpenID Connect issuer of `npm start` and of the tests: discovery
 * (`/.well-known/openid-configuration`), a JWKS (`/jwks`), and a token endpoint granting `client_credentials`
 * (RFC 6749 4.4) to known clients, with the scopes they ask for among those they may have. Tokens are RFC 9068
 * access tokens (`typ: at+jwt`, `aud`, `client_id`, `scope`) signed RS256 with a key generated at start.
 *
 * Written on jose (which the service already uses to verify) rather than taken from a mock-server package:
 * oauth2-mock-server 9 is ES-module-only, while this project's tests run in Jest's CommonJS runtime; and the tests
 * need what such servers do not offer together: rotating keys on demand, stopping and restarting on the same port,
 * and signing tokens with hand-picked claims. It is a development issuer: no users, no refresh tokens, keys in memory.
 */
export interface IssuerClient {
  id: string;
  secret: string;
  /** The scopes this client may be granted. */
  scopes: readonly string[];
}

/** The documented local machine client (docs/authentication.md). */
export const LOCAL_CLIENT: IssuerClient = { id: 'picus-local', secret: 'picus-local-secret', scopes: ALL_SCOPES };
/** The `aud` of every token this issuer mints, and what the local service and Lambda accept. */
export const LOCAL_AUDIENCE = 'picus';

export interface LocalIssuer {
  /** The `iss` of its tokens: http://localhost:<port>. */
  url: string;
  jwksUrl: string;
  tokenUrl: string;
  port: number;
  /** A client-credentials token, as the token endpoint would answer it. */
  tokenFor(client: IssuerClient, scopes?: readonly string[]): Promise<string>;
  /** Signs any claims with the current key (tests: expired, not yet valid, another audience...). */
  sign(claims: Record<string, unknown>, header?: { kid?: string; typ?: string | null }): Promise<string>;
  /** A new signing key; the old one leaves the JWKS unless `keepOld` (an overlap, as real issuers rotate). */
  rotateKeys(options?: { keepOld?: boolean }): Promise<void>;
  /** The current signing key's public JWK (tests build algorithm-confusion tokens from it). */
  currentPublicJwk(): JWK;
  /** Stops listening (the issuer is "down") and resolves when closed; `start()` listens on the same port again. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export async function startLocalIssuer(
  options: { port?: number; host?: string; clients?: readonly IssuerClient[]; tokenLifetimeSeconds?: number } = {},
): Promise<LocalIssuer> {
  const host = options.host ?? '127.0.0.1';
  const clients = options.clients ?? [LOCAL_CLIENT];
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  let keys: SigningKey[] = [await newKey()];
  let server: Server | undefined;
  let port = options.port ?? 0;
  let url = '';

  // typ null: no typ at all, as Cognito signs.
  const sign = (claims: Record<string, unknown>, header: { kid?: string; typ?: string | null } = {}) => {
    const key = keys[keys.length - 1]!;
    const typ = header.typ === null ? {} : { typ: header.typ ?? 'at+jwt' };
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid ?? key.kid, ...typ }).sign(key.privateKey);
  };
  const tokenFor = (client: IssuerClient, scopes: readonly string[] = client.scopes) => {
    const now = Math.floor(Date.now() / 1000);
    return sign({
      iss: url,
      sub: client.id,
      aud: LOCAL_AUDIENCE,
      client_id: client.id,
      scope: scopes.join(' '),
      iat: now,
      exp: now + lifetime,
      jti: randomUUID(),
    });
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
  };

  const token = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let raw = '';
    for await (const chunk of req) {
      raw += chunk;
      if (raw.length > 16_384) return json(res, 400, { error: 'invalid_request', error_description: 'body too large' });
    }
    const form = new URLSearchParams(raw);
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // RFC 6749 2.3.1: both halves are form-urlencoded; ones that do not decode (a stray %) are a client error.
      try {
        if (colon === -1) throw new URIError('no colon');
        [id, secret] = [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
      } catch {
        return json(res, 400, { error: 'invalid_client', error_description: 'malformed client credentials' });
      }
    }
    const client = clients.find((c) => c.id === id && c.secret === secret);
    if (!client) return json(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="picus-local-issuer"' });
    if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
    const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const scopes = asked.length > 0 ? asked : [...client.scopes];
    if (scopes.some((s) => !client.scopes.includes(s))) return json(res, 400, { error: 'invalid_scope' });
    json(res, 200, { access_token: await tokenFor(client, scopes), token_type: 'Bearer', expires_in: lifetime, scope: scopes.join(' ') });
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: url,
        jwks_uri: `http://${host}:${port}/jwks`,
        token_endpoint: `${url}/token`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: [...new Set(clients.flatMap((c) => c.scopes))],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && (path === '/jwks' || path === '/.well-known/jwks.json')) return json(res, 200, { keys: keys.map((k) => k.publicJwk) });
    if (req.method === 'POST' && path === '/token') {
      token(req, res).catch(() => json(res, 500, { error: 'server_error' }));
      return;
    }
    json(res, 404, { error: 'not_found' });
  };

  const start = async (): Promise<void> => {
    server = createServer(handle);
    port = (await listen(server, port, host)).port;
    url = `http://localhost:${port}`;
  };
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = undefined;
    });

  await start();
  return {
    get url() {
      return url;
    },
    get jwksUrl() {
      return `http://${host}:${port}/jwks`;
    },
    get tokenUrl() {
      return `${url}/token`;
    },
    get port() {
      return port;
    },
    tokenFor,
    sign,
    rotateKeys: async (rotate = {}) => {
      const fresh = await newKey();
      keys = rotate.keepOld ? [...keys, fresh] : [fresh];
    },
    currentPublicJwk: () => keys[keys.length - 1]!.publicJwk,
    stop,
    start,
    close: stop,
  };
}
