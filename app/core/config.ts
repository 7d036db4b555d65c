/**
 * The one reader of the environment. Every other module receives a `Config`,
 * so it can be built from a plain object in tests.
 *
 * @example
 * const config = loadConfig(process.env);
 * loadConfig({ PORT: 'abc' }); // throws ConfigError: "PORT must be an integer from 1 to 65535 (got "abc")"
 */

export type NodeEnv = 'production' | 'development' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  /** Deployment stage, as the original's task definition set it (`dev`, `prod`); informational. */
  readonly environment: string;
  readonly logLevel: LogLevel;
  readonly tableName: string;
  readonly region: string;
  /** Set for DynamoDB Local, dynalite or any emulator; unset in AWS. */
  readonly dynamodbEndpoint: string | undefined;
  /** Per-attempt budget for one DynamoDB HTTP request. */
  readonly dynamodbRequestTimeoutMs: number;
  readonly dynamodbConnectTimeoutMs: number;
  /** Total attempts per DynamoDB call, the first included. */
  readonly dynamodbMaxAttempts: number;
  /** Browser origins allowed by CORS; empty means no CORS headers at all. */
  readonly corsOrigins: readonly (string | RegExp)[];
  /** Largest accepted request body, in bytes. */
  readonly maxBodyBytes: number;
  /** How long a readiness answer is reused before DynamoDB is asked again. */
  readonly readyCacheMs: number;
  /** After SIGTERM, keep serving this long before closing the listener (ECS may deregister after the signal). */
  readonly shutdownDelayMs: number;
  /** After the listener closes, how long in-flight requests may take before connections are cut. */
  readonly shutdownGraceMs: number;
  /** Bearer-token verification; `mode: 'off'` keeps the original's open contract. */
  readonly auth: AuthConfig;
  /** The DELETE Lambda GraphQL's deleteItem invokes (name and qualifier); unset: deleteItem answers DELETE_UNAVAILABLE. */
  readonly deleteFunction: { readonly name: string; readonly qualifier: string } | undefined;
  /** Set for the local Lambda Invoke API of `npm start`; unset in AWS. */
  readonly lambdaEndpoint: string | undefined;
  /** redis:// or rediss:// of the Redis-protocol server subscriptions fan out on across tasks; unset: this process only. */
  readonly changeBusUrl: string | undefined;
  /** WebSocket connections (subscriptions) one task accepts at once; more are refused at the upgrade with 503. */
  readonly maxSubscriptionConnections: number;
  /**
   * Who tells the bus of writes: `writes`, the item service on each acknowledged write (one process, or tasks that
   * are the only writers); `stream`, the table's DynamoDB stream through its processor Lambda (AWS: every writer,
   * the DELETE Lambda and any tool included), the service then only listening.
   */
  readonly changeFeed: 'writes' | 'stream';
}

export type AuthConfig =
  | { readonly mode: 'off'; /** Set when AUTH_MODE=off was asked for in production: every start warns. */ readonly explicit: boolean }
  | {
      readonly mode: 'jwt';
      /** Exact `iss` of accepted tokens. */
      readonly issuer: string;
      /** Where the keys are; unset: the issuer's discovery document says (jwks_uri). */
      readonly jwksUrl: string | undefined;
      /** Accepted `aud` values (RFC 9068 issuers). */
      readonly audience: readonly string[];
      /** Accepted `client_id` values (Amazon Cognito access tokens carry no `aud`). */
      readonly clientIds: readonly string[];
      /** After an unknown `kid`, the keys are fetched again at most this often. */
      readonly jwksCooldownMs: number;
      readonly clockToleranceSeconds: number;
    };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS: readonly NodeEnv[] = ['production', 'development', 'test'];

/** Loopback origins are allowed outside production so local frontend tools work with no setup. */
const DEV_CORS_ORIGINS: readonly RegExp[] = [/^http:\/\/localhost(:\d+)?$/, /^http:\/\/127\.0\.0\.1(:\d+)?$/];

export type Env = Readonly<Record<string, string | undefined>>;

/** Readers of one environment that collect every problem, so start-up names them all at once. */
export function envReader(env: Env, problems: string[]) {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return raw as T;
  };
  return { read, int, oneOf };
}

export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const { read, int, oneOf } = envReader(env, problems);

  const nodeEnv = oneOf('NODE_ENV', NODE_ENVS, 'development');
  const isProduction = nodeEnv === 'production';

  const tableName = read('DYNAMODB_TABLE_NAME') ?? 'picus-data';
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    problems.push(`DYNAMODB_TABLE_NAME must be 3-255 characters of A-Z a-z 0-9 _ . - (got ${JSON.stringify(tableName)})`);
  }

  const region = read('AWS_REGION') ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) && region !== 'local') {
    problems.push(`AWS_REGION must look like us-east-1 (got ${JSON.stringify(region)})`);
  }

  const dynamodbEndpoint = read('DYNAMODB_ENDPOINT');
  if (dynamodbEndpoint !== undefined && !isHttpUrl(dynamodbEndpoint)) {
    problems.push(`DYNAMODB_ENDPOINT must be an http(s) URL (got ${JSON.stringify(dynamodbEndpoint)})`);
  }

  const corsOrigins = parseCorsOrigins(read('CORS_ORIGINS'), isProduction, problems);
  const auth = parseAuth(read, int, isProduction, problems);
  const deleteFunctionName = read('DELETE_FUNCTION_NAME');
  const lambdaEndpoint = read('LAMBDA_ENDPOINT');
  const changeBusUrl = read('CHANGE_BUS_URL');
  if (changeBusUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(changeBusUrl))
    problems.push(`CHANGE_BUS_URL must be a redis:// or rediss:// URL (got ${JSON.stringify(changeBusUrl)})`);
  if (lambdaEndpoint !== undefined && !isHttpUrl(lambdaEndpoint))
    problems.push(`LAMBDA_ENDPOINT must be an http(s) URL (got ${JSON.stringify(lambdaEndpoint)})`);

  const config: Config = {
    port: int('PORT', 8000, 1, 65535),
    nodeEnv,
    isProduction,
    environment: read('ENVIRONMENT') ?? 'dev',
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    tableName,
    region,
    dynamodbEndpoint,
    dynamodbRequestTimeoutMs: int('DYNAMODB_REQUEST_TIMEOUT_MS', 2000, 100, 60000),
    dynamodbConnectTimeoutMs: int('DYNAMODB_CONNECT_TIMEOUT_MS', 1000, 100, 60000),
    dynamodbMaxAttempts: int('DYNAMODB_MAX_ATTEMPTS', 3, 1, 10),
    corsOrigins,
    // 350 KB leaves room under DynamoDB's 400 KB item limit for the id and createdAt attributes.
    maxBodyBytes: int('MAX_BODY_BYTES', 350 * 1024, 1024, 10 * 1024 * 1024),
    readyCacheMs: int('READY_CACHE_MS', 5000, 0, 300000),
    // ECS normally deregisters before SIGTERM, but not on every path (aws/containers-roadmap#708):
    // keep serving briefly in production; locally Ctrl-C should be instant.
    shutdownDelayMs: int('SHUTDOWN_DELAY_MS', isProduction ? 5000 : 0, 0, 60000),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 15000, 0, 100000),
    auth,
    deleteFunction: deleteFunctionName ? { name: deleteFunctionName, qualifier: read('DELETE_FUNCTION_QUALIFIER') ?? 'live' } : undefined,
    lambdaEndpoint,
    changeBusUrl,
    maxSubscriptionConnections: int('SUBSCRIPTION_MAX_CONNECTIONS', 1000, 1, 100000),
    changeFeed: oneOf('CHANGE_FEED', ['writes', 'stream'] as const, 'writes'),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function parseCorsOrigins(raw: string | undefined, isProduction: boolean, problems: string[]): (string | RegExp)[] {
  if (raw === undefined) return isProduction ? [] : [...DEV_CORS_ORIGINS];
  if (raw === 'none') return [];
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    // An origin is scheme://host[:port] with nothing after it; anything else never matches a browser's Origin header.
    if (!isHttpUrl(origin) || new URL(origin).origin !== origin) {
      problems.push(`CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com (got ${JSON.stringify(origin)})`);
    }
  }
  return origins;
}

/**
 * AUTH_MODE=jwt (the default once AUTH_ISSUER is set) verifies bearer tokens; AUTH_MODE=off keeps the API open.
 * Production refuses to start with neither an issuer nor an explicit AUTH_MODE=off, so an open API is a decision,
 * never a forgotten variable; outside production no issuer means open, as before.
 */
function parseAuth(
  read: (name: string) => string | undefined,
  int: (name: string, fallback: number, min: number, max: number) => number,
  isProduction: boolean,
  problems: string[],
): AuthConfig {
  const mode = read('AUTH_MODE');
  const issuer = read('AUTH_ISSUER');
  if (mode !== undefined && mode !== 'jwt' && mode !== 'off') {
    problems.push(`AUTH_MODE must be one of jwt, off (got ${JSON.stringify(mode)})`);
    return { mode: 'off', explicit: false };
  }
  if (mode === 'off') return { mode: 'off', explicit: true };
  if (issuer === undefined) {
    if (mode === 'jwt' || isProduction) problems.push('AUTH_ISSUER is required (or set AUTH_MODE=off to serve the API without authentication)');
    return { mode: 'off', explicit: false };
  }
  const list = (name: string) =>
    (read(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const audience = list('AUTH_AUDIENCE');
  const clientIds = list('AUTH_CLIENT_IDS');
  // In production keys travel over TLS only: over plain HTTP anyone on the path could hand us keys of their own. The
  // loopback interface has no such path (a production build tested against a local issuer, as the bench does).
  const scheme = isProduction ? 'an https (or loopback http)' : 'an http(s)';
  const acceptable = (url: string) => isHttpUrl(url) && (!isProduction || new URL(url).protocol === 'https:' || isLoopback(new URL(url).hostname));
  if (!acceptable(issuer)) problems.push(`AUTH_ISSUER must be ${scheme} URL (got ${JSON.stringify(issuer)})`);
  const jwksUrl = read('AUTH_JWKS_URL');
  if (jwksUrl !== undefined && !acceptable(jwksUrl)) problems.push(`AUTH_JWKS_URL must be ${scheme} URL (got ${JSON.stringify(jwksUrl)})`);
  if (audience.length === 0 && clientIds.length === 0) {
    problems.push('AUTH_AUDIENCE or AUTH_CLIENT_IDS is required with AUTH_ISSUER (a token for another API of the same issuer must not pass)');
  }
  return {
    mode: 'jwt',
    issuer,
    jwksUrl,
    audience,
    clientIds,
    jwksCooldownMs: int('AUTH_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
    clockToleranceSeconds: int('AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
  };
}
