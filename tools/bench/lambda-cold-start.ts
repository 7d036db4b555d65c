/**
 * Lambda cold start: a new Node process loads dist/lambda/handler.js and
 * answers one ALB DELETE event against the embedded DynamoDB; the time is
 * from spawn to the response on stdout. Median of RUNS runs, plus bundle size.
 * `npm run bench` runs it after the build.
 *
 *   npx tsx tools/bench/lambda-cold-start.ts
 */
import { spawn } from 'node:child_process';
import { LOCAL_AUDIENCE, LOCAL_CLIENT, startLocalIssuer } from '../../local/issuer';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentClient } from '../../app/core/aws/dynamodb';
import { loadConfig } from '../../app/core/config';
import { createCore } from '../../app/core/create-core';
import { ensureItemTable } from '../../local/item-table';
import { startEmbeddedDynamo } from '../../local/dynamo';
import { bundleLambda } from '../../scripts/build';
import { eventFor } from '../../test/support/events';

const RUNS = Number(process.argv[2] ?? 10);

export interface ColdStartResult {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  bundleBytes: number;
  zipBytes: number;
}

/** The bundle `npm run build` writes, which is what Lambda runs; built into a temporary folder when it is missing. */
async function builtBundle(outdir: string): Promise<{ handler: string; bytes: number; zipBytes: number }> {
  const dist = join(__dirname, '..', '..', 'dist');
  const handler = join(dist, 'lambda', 'handler.js');
  const zip = join(dist, 'lambda.zip');
  if (existsSync(handler) && existsSync(zip)) return { handler, bytes: statSync(handler).size, zipBytes: statSync(zip).size };
  return bundleLambda(outdir);
}

/**
 * With `auth`, a local issuer runs here and each cold process verifies a token first: its JWKS is fetched from the
 * issuer on that first request, inside the measured time.
 */
export async function measureLambdaColdStart(runs = RUNS, options: { auth?: boolean } = {}): Promise<ColdStartResult> {
  const outdir = mkdtempSync(join(tmpdir(), 'picus-cold-'));
  const db = await startEmbeddedDynamo();
  const issuer = options.auth ? await startLocalIssuer() : undefined;
  try {
    const bundle = await builtBundle(outdir);
    const config = loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: db.endpoint, DYNAMODB_TABLE_NAME: 'picus-bench' });
    const core = createCore(config, { doc: createDocumentClient(config) });
    await ensureItemTable(config, config.tableName);
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const { id } = await core.itemService.create({ run: i });
      const albEvent = eventFor('alb', `/picus/${id}`);
      if (issuer) albEvent.headers = { ...albEvent.headers, authorization: `Bearer ${await issuer.tokenFor(LOCAL_CLIENT)}` };
      const event = JSON.stringify(albEvent);
      const script = `require(${JSON.stringify(bundle.handler)}).handler(${event}, {}).then((r) => process.stdout.write('STATUS ' + r.statusCode + '\\n'))`;
      const authEnv: Record<string, string> = issuer ? { AUTH_ISSUER: issuer.url, AUTH_JWKS_URL: issuer.jwksUrl, AUTH_AUDIENCE: LOCAL_AUDIENCE } : {};
      times.push(await timeToResponse(script, { DYNAMODB_ENDPOINT: db.endpoint, DYNAMODB_TABLE_NAME: config.tableName, ...authEnv }));
    }
    core.close();
    times.sort((a, b) => a - b);
    return {
      runs,
      medianMs: times[Math.floor(times.length / 2)]!,
      minMs: times[0]!,
      maxMs: times[times.length - 1]!,
      bundleBytes: bundle.bytes,
      zipBytes: bundle.zipBytes,
    };
  } finally {
    await issuer?.close();
    await db.close();
    rmSync(outdir, { recursive: true, force: true });
  }
}

function timeToResponse(script: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('STATUS 200')) resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.on('exit', (code) => (out.includes('STATUS 200') ? undefined : reject(new Error(`cold start run failed (${code}): ${out}`))));
  });
}

if (require.main === module) {
  measureLambdaColdStart(RUNS, { auth: process.env.COLD_START_AUTH === '1' }).then(
    (r) => {
      process.stdout.write(
        `Lambda cold start (spawn to first DELETE response, ${r.runs} runs): median ${r.medianMs.toFixed(0)} ms (min ${r.minMs.toFixed(0)}, max ${r.maxMs.toFixed(0)}); ` +
          `bundle ${(r.bundleBytes / 1024).toFixed(0)} KiB, zip ${(r.zipBytes / 1024).toFixed(0)} KiB\n`,
      );
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
