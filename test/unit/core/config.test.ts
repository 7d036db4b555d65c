import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../app/core/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      tableName: 'picus-data',
      region: 'us-east-1',
      dynamodbEndpoint: undefined,
      nodeEnv: 'development',
      logLevel: 'info',
      maxBodyBytes: 350 * 1024,
      shutdownDelayMs: 0,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  // Every variable the service reads, each set to something other than its default.
  const EVERY_VARIABLE = {
    PORT: '9000',
    NODE_ENV: 'production',
    ENVIRONMENT: 'prod',
    LOG_LEVEL: 'debug',
    DYNAMODB_TABLE_NAME: 'other-table',
    AWS_REGION: 'eu-west-1',
    DYNAMODB_ENDPOINT: 'http://localhost:8001',
    DYNAMODB_REQUEST_TIMEOUT_MS: '3000',
    DYNAMODB_CONNECT_TIMEOUT_MS: '1500',
    DYNAMODB_MAX_ATTEMPTS: '5',
    CORS_ORIGINS: 'https://a.example.com, https://b.example.com:8443',
    MAX_BODY_BYTES: '2048',
    READY_CACHE_MS: '1000',
    SHUTDOWN_DELAY_MS: '7000',
    SHUTDOWN_GRACE_MS: '20000',
    AUTH_MODE: 'jwt',
    AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
    AUTH_JWKS_URL: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
    AUTH_AUDIENCE: 'picus',
    AUTH_CLIENT_IDS: 'machine, frontend',
    AUTH_JWKS_COOLDOWN_MS: '1000',
    AUTH_CLOCK_TOLERANCE_SECONDS: '10',
    DELETE_FUNCTION_NAME: 'picus-prod-delete',
    DELETE_FUNCTION_QUALIFIER: '7',
    LAMBDA_ENDPOINT: 'http://127.0.0.1:9001',
    CHANGE_BUS_URL: 'rediss://picus-changes.serverless.use1.cache.amazonaws.com:6379',
    SUBSCRIPTION_MAX_CONNECTIONS: '250',
    CHANGE_FEED: 'stream',
  };

  it('reads every variable it knows, each one changing the configuration', () => {
    expect(loadConfig(EVERY_VARIABLE)).toEqual({
      port: 9000,
      nodeEnv: 'production',
      isProduction: true,
      environment: 'prod',
      logLevel: 'debug',
      tableName: 'other-table',
      region: 'eu-west-1',
      dynamodbEndpoint: 'http://localhost:8001',
      dynamodbRequestTimeoutMs: 3000,
      dynamodbConnectTimeoutMs: 1500,
      dynamodbMaxAttempts: 5,
      corsOrigins: ['https://a.example.com', 'https://b.example.com:8443'],
      maxBodyBytes: 2048,
      readyCacheMs: 1000,
      shutdownDelayMs: 7000,
      shutdownGraceMs: 20000,
      auth: {
        mode: 'jwt',
        issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
        jwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json',
        audience: ['picus'],
        clientIds: ['machine', 'frontend'],
        jwksCooldownMs: 1000,
        clockToleranceSeconds: 10,
      },
      deleteFunction: { name: 'picus-prod-delete', qualifier: '7' },
      lambdaEndpoint: 'http://127.0.0.1:9001',
      changeBusUrl: 'rediss://picus-changes.serverless.use1.cache.amazonaws.com:6379',
      maxSubscriptionConnections: 250,
      changeFeed: 'stream',
    });
  });

  it('knows no variable the test above leaves out (a new one joins it)', () => {
    const source = readFileSync(join(__dirname, '../../../app/core/config.ts'), 'utf8');
    const names = new Set([...source.matchAll(/\b(?:read|int|oneOf|list)\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]));
    expect([...names].sort()).toEqual(Object.keys(EVERY_VARIABLE).sort());
  });

  it('refuses to start in production with neither a token issuer nor an explicit AUTH_MODE=off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('AUTH_ISSUER is required (or set AUTH_MODE=off to serve the API without authentication)');
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'off' }).auth).toEqual({ mode: 'off', explicit: true });
    expect(loadConfig({}).auth).toEqual({ mode: 'off', explicit: false });
    expect(() => loadConfig({ AUTH_MODE: 'jwt' })).toThrow('AUTH_ISSUER is required');
  });

  it.each([
    [{ AUTH_ISSUER: 'https://issuer.example' }, 'AUTH_AUDIENCE or AUTH_CLIENT_IDS is required with AUTH_ISSUER'],
    [{ AUTH_ISSUER: 'issuer.example', AUTH_AUDIENCE: 'picus' }, 'AUTH_ISSUER must be an http(s) URL'],
    [{ AUTH_ISSUER: 'https://issuer.example', AUTH_AUDIENCE: 'picus', AUTH_JWKS_URL: 'jwks' }, 'AUTH_JWKS_URL must be an http(s) URL'],
    [{ AUTH_MODE: 'maybe' }, 'AUTH_MODE must be one of jwt, off'],
  ])('names the bad authentication setting %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('allows no browser origin by default in production, loopback ones in development', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'off' }).corsOrigins).toEqual([]);
    const dev = loadConfig({}).corsOrigins;
    const allows = (origin: string) => dev.some((o) => (o instanceof RegExp ? o.test(origin) : o === origin));
    expect(allows('http://localhost:3000')).toBe(true);
    expect(allows('https://evil.example.com')).toBe(false);
    expect(loadConfig({ CORS_ORIGINS: 'none' }).corsOrigins).toEqual([]);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 1 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of production, development, test'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, 'DYNAMODB_ENDPOINT must be an http(s) URL'],
    [{ DYNAMODB_TABLE_NAME: 'a b' }, 'DYNAMODB_TABLE_NAME'],
    [{ AWS_REGION: 'Europe' }, 'AWS_REGION'],
    [{ CORS_ORIGINS: 'https://a.example.com/path' }, 'CORS_ORIGINS'],
    [{ MAX_BODY_BYTES: '1' }, 'MAX_BODY_BYTES'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('refuses a plain-http token issuer or JWKS in production, except on the loopback interface', () => {
    const prod = { NODE_ENV: 'production', AUTH_AUDIENCE: 'picus' };
    expect(() => loadConfig({ ...prod, AUTH_ISSUER: 'http://issuer.example.com' })).toThrow(/AUTH_ISSUER must be an https \(or loopback http\) URL/);
    expect(() => loadConfig({ ...prod, AUTH_ISSUER: 'https://issuer.example.com', AUTH_JWKS_URL: 'http://issuer.example.com/jwks' })).toThrow(
      /AUTH_JWKS_URL must be an https/,
    );
    expect(loadConfig({ ...prod, AUTH_ISSUER: 'https://issuer.example.com' }).auth).toMatchObject({ mode: 'jwt' });
    expect(loadConfig({ ...prod, AUTH_ISSUER: 'http://127.0.0.1:8090', AUTH_JWKS_URL: 'http://localhost:8090/jwks' }).auth).toMatchObject({ mode: 'jwt' });
    expect(loadConfig({ AUTH_ISSUER: 'http://issuer.example.com', AUTH_AUDIENCE: 'picus' }).auth).toMatchObject({ mode: 'jwt' });
  });
});
