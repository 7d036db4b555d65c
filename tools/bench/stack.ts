/**
 * Starts what the benchmark measures, each in a process of its own so each
 * one's CPU and memory can be read apart: dynalite behind the counting proxy,
 * the floor, the production build of the service, and the local ALB with the
 * Lambda bundle.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BASE_ENV, freePort } from '../../test/support/processes';
import { loadModule, TERRAFORM_DIR } from '../../scripts/terraform-hcl';

const ROOT = join(__dirname, '..', '..');
const BENCH_DIST = join(ROOT, 'dist', 'bench');

/**
 * With two cores or more and `taskset` present, the servers being measured get
 * the last core to themselves and everything else (this process, the load
 * generator, dynalite) the rest, so the servers' CPU time is not inflated by
 * contention for a core.
 */
export const pinning = (() => {
  const last = cpus().length - 1;
  let enabled = last >= 1;
  try {
    if (enabled) execFileSync('taskset', ['-p', '-c', `0-${last - 1}`, String(process.pid)], { stdio: 'ignore' });
  } catch {
    enabled = false;
  }
  return { enabled, serverCores: String(last), otherCores: last > 1 ? `0-${last - 1}` : '0' };
})();

/** Moves every thread of a server to the servers' core. */
function pinServer(pid: number): void {
  if (pinning.enabled) execFileSync('taskset', ['-a', '-p', '-c', pinning.serverCores, String(pid)], { stdio: 'ignore' });
}

export interface Proc {
  name: string;
  pid: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The bench's own processes, bundled like the service so none of them runs through a TypeScript loader. */
export async function bundleBenchProcesses(): Promise<void> {
  await build({
    entryPoints: ['dynamo', 'floor', 'express-floor', 'alb'].map((name) => join(__dirname, 'processes', `${name}.ts`)),
    outdir: BENCH_DIST,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
  });
}

/**
 * The heap limit the service gets on ECS: terraform/modules/ecs-service sets
 * NODE_OPTIONS to a quarter of the task's memory (the Terraform default,
 * read from terraform/variables.tf). This machine's memory would give V8 a far
 * larger heap, and a far lazier collector, than production has. The floor
 * runs with the same limit.
 */
export async function productionNodeOptions(): Promise<string> {
  const root = await loadModule(TERRAFORM_DIR);
  const taskMemory = Number(root.variable.ecs_task_memory?.default);
  if (!Number.isFinite(taskMemory)) throw new Error('terraform/variables.tf has no ecs_task_memory default');
  return `--max-old-space-size=${Math.floor(taskMemory / 4)}`;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

function firstMessage<T>(child: ChildProcess, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
  });
}

async function waitForHttp(url: string, name: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode})`);
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not answer at ${url}`);
}

export type Side = 'ours' | 'floor';

export interface Dynamo extends Proc {
  /** The counting proxy each side talks to. */
  endpoints: Record<Side, string>;
  /** For seeding and table set-up, past the proxies. */
  directEndpoint: string;
  /** Operations counted by each side's proxy since the last call, by name (GetItem, BatchGetItem, ...). */
  takeCounts(): Promise<Record<Side, Record<string, number>>>;
}

export async function startDynamo(): Promise<Dynamo> {
  const child = fork(join(BENCH_DIST, 'dynamo.js'), [], { execArgv: [], env: BASE_ENV, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = await firstMessage<{ endpoints: Record<Side, string>; directEndpoint: string }>(child, 'dynalite');
  return {
    name: 'dynalite',
    pid: child.pid!,
    url: ready.directEndpoint,
    endpoints: ready.endpoints,
    directEndpoint: ready.directEndpoint,
    child,
    stop: stopper(child),
    takeCounts: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { counts: Record<Side, Record<string, number>> }).counts));
        child.send('counts');
      }),
  };
}

/** The floor (`floor`), or the Express reference beside it (`express-floor`). */
export async function startFloor(env: Record<string, string>, cpuProfileDir?: string, which: 'floor' | 'express-floor' = 'floor'): Promise<Proc> {
  const port = await freePort();
  const child = fork(join(BENCH_DIST, `${which}.js`), [], {
    execArgv: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
    cwd: ROOT,
    env: { ...BASE_ENV, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, which, child);
  pinServer(child.pid!);
  return { name: which, pid: child.pid!, url, child, stop: stopper(child) };
}

/**
 * `node dist/app/main.js` as the container runs it: production mode, info
 * logs (written to /dev/null here; their cost is counted). `cpuProfileDir`
 * adds `--cpu-prof` for finding where the time goes.
 */
export async function startService(env: Record<string, string>, cpuProfileDir?: string): Promise<Proc> {
  const port = await freePort();
  const args = [...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []), join(ROOT, 'dist', 'app', 'main.js')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...BASE_ENV, NODE_ENV: 'production', AUTH_MODE: 'off', SHUTDOWN_DELAY_MS: '0', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, 'service', child);
  pinServer(child.pid!);
  return { name: 'service', pid: child.pid!, url, child, stop: stopper(child) };
}

export async function startAlb(env: Record<string, string>, serviceUrl: string): Promise<Proc> {
  const child = fork(join(BENCH_DIST, 'alb.js'), [], {
    execArgv: [],
    cwd: ROOT,
    env: { ...BASE_ENV, NODE_ENV: 'production', AUTH_MODE: 'off', ...env, SERVICE_URL: serviceUrl },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await firstMessage<{ url: string }>(child, 'local ALB');
  pinServer(child.pid!);
  return { name: 'alb', pid: child.pid!, url: ready.url, child, stop: stopper(child) };
}
