/**
 * scripts/deploy/smoke-token.sh, the deploy workflows' token step, against a real token endpoint (the local issuer,
 * real keys). Only the AWS CLI is replaced, by a script answering DescribeUserPoolClient as Cognito documents it
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPoolClient.html):
 * there is no Cognito here.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startLocalIssuer, type IssuerClient, type LocalIssuer } from '../../local/issuer';

const SCRIPT = resolve(__dirname, '../../scripts/deploy/smoke-token.sh');
const POOL = 'us-east-1_Smoke1';
const SMOKE: IssuerClient = {
  id: '4smoketestclient0000000000',
  secret: 'smokeSecret0123456789abcdefghij',
  scopes: ['picus/read', 'picus/write', 'picus/delete'],
};

let issuer: LocalIssuer;
let bin: string;

beforeAll(async () => {
  issuer = await startLocalIssuer({ clients: [SMOKE] });
  bin = mkdtempSync(join(tmpdir(), 'picus-smoke-aws-'));
  // Answers only the one call the script may make, for this pool and client; anything else fails as the CLI would.
  const described = JSON.stringify({ UserPoolClient: { UserPoolId: POOL, ClientId: SMOKE.id, ClientSecret: SMOKE.secret, AllowedOAuthScopes: SMOKE.scopes } });
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash
[ "$*" = "cognito-idp describe-user-pool-client --user-pool-id ${POOL} --client-id ${SMOKE.id} --output json" ] || { echo "An error occurred (ResourceNotFoundException): $*" >&2; exit 254; }
echo '${described}'
`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
});

afterAll(async () => {
  await issuer.stop();
  rmSync(bin, { recursive: true, force: true });
});

const run = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [SCRIPT, ...args], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_ACTIONS: '', ...env },
    });
    return { code: 0, stdout: stdout.trim(), stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout.trim(), stderr: e.stderr };
  }
};

describe('scripts/deploy/smoke-token.sh', () => {
  it('reads the smoke client from Cognito and prints a token from the token endpoint, signed by the issuer, with every scope the client holds', async () => {
    const result = await run([POOL, SMOKE.id, issuer.tokenUrl]);
    expect(result).toMatchObject({ code: 0 });
    const { payload } = await jwtVerify(result.stdout, createRemoteJWKSet(new URL(issuer.jwksUrl)), { issuer: issuer.url });
    expect(String(payload.scope).split(' ').sort()).toEqual([...SMOKE.scopes].sort());
    expect(payload.client_id).toBe(SMOKE.id);
  });

  it("masks the client secret and the token in GitHub's log, and prints nothing but the token", async () => {
    const result = await run([POOL, SMOKE.id, issuer.tokenUrl], { GITHUB_ACTIONS: 'true' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`::add-mask::${SMOKE.secret}`);
    expect(result.stderr).toContain(`::add-mask::${result.stdout}`);
    expect(result.stdout.split('\n')).toHaveLength(1);
    expect(result.stdout).not.toContain(SMOKE.secret);
  });

  it('prints nothing and succeeds with no user pool (an external issuer: the smoke test brings no Cognito token)', async () => {
    expect(await run([])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it.each([
    ['no client id', [POOL, '', 'https://example.invalid/oauth2/token'], /SMOKE_CLIENT_ID/],
    ['no token endpoint', [POOL, SMOKE.id, ''], /AUTH_TOKEN_ENDPOINT/],
    ['a client Cognito does not know', [POOL, 'unknownclient', 'https://example.invalid/oauth2/token'], /ResourceNotFoundException/],
  ])('fails, printing no token, for a user pool with %s', async (_name, args, message) => {
    const result = await run(args);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('fails, printing no token, when the token endpoint does not answer', async () => {
    await issuer.stop();
    try {
      const result = await run([POOL, SMOKE.id, issuer.tokenUrl]);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
    } finally {
      await issuer.start();
    }
  });
});
