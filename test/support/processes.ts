import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

export interface ChildService {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  /** Sends the signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/** A free TCP port on 127.0.0.1 (nothing listens on it when this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether nothing accepts TCP connections on the port now (its listener is closed): a plain socket, no HTTP client. */
export function connectionRefused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * Every long-running child a test or tool starts is one node process (node with tsx's loader, never the npx, npm or
 * tsx wrappers, which start a second process of their own): stopping it stops everything it started, and a wrapper
 * killed alone cannot leave its child serving after the test. test/unit/processes.test.ts holds this.
 */
function spawnNode(args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn(process.execPath, args, options);
}

/** What every child process gets instead of this one's environment: no stray AWS settings leak in. */
export const BASE_ENV = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' };

/**
 * Starts the service as ECS does, in a process of its own: the production build under `root` (`<root>/dist/app/main.js`,
 * made by `freshBuild` or copied from it) when given, else the source through tsx. Resolves once /health answers; the
 * port is picked here so it is known up front.
 */
export async function startServiceProcess(env: Record<string, string>, options: { nodeArgs?: string[]; root?: string } = {}): Promise<ChildService> {
  const port = await freePort();
  const child = spawnEntry({ LOG_LEVEL: 'warn', ...env, PORT: String(port) }, options);
  // The service logs "listening" only at info; polling /health works at any log level.
  return started(child, `http://127.0.0.1:${port}`, () =>
    fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.ok,
      () => false,
    ),
  );
}

/** Runs the entry point until it exits by itself (a start-up failure): its exit code and what it wrote. */
export async function runServiceProcess(
  env: Record<string, string>,
  options: { root?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnEntry(env, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function spawnEntry(env: Record<string, string>, options: { nodeArgs?: string[]; root?: string }): ChildProcess {
  const entry = options.root ? [join(options.root, 'dist/app/main.js')] : ['--import', 'tsx', join(ROOT, 'app/main.ts')];
  return spawnNode([...(options.nodeArgs ?? []), ...entry], {
    cwd: options.root ?? ROOT,
    env: { ...BASE_ENV, NODE_ENV: 'production', AUTH_MODE: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface DynamoProcess extends ChildService {
  endpoint: string;
  port: number;
}

/**
 * dynalite in a process of its own, keeping its data in `path` (LevelDB), so a
 * test can kill it, freeze it (SIGSTOP) or restart it on the same port with the same data.
 */
export async function startDynamoProcess(options: { path: string; port?: number }): Promise<DynamoProcess> {
  const port = options.port ?? (await freePort());
  const script = `
    const server = require('dynalite')({ path: ${JSON.stringify(options.path)}, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawnNode(['-e', script], { cwd: ROOT, env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoint = `http://127.0.0.1:${port}`;
  const service = await started(child, endpoint, (output) => output.includes('ready'));
  return { ...service, endpoint, port };
}

async function started(child: ChildProcess, url: string, ready: (output: string) => boolean | Promise<boolean>): Promise<ChildService> {
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: ChildService = {
    url,
    pid: child.pid!,
    child,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    output: () => output,
  };
  const deadline = Date.now() + 30_000;
  const waitReady = async (): Promise<void> => {
    while (!(await ready(output))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${url} did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const failed = exited.then((code) => {
    throw new Error(`process for ${url} exited (${code}) before it was ready:\n${output}`);
  });
  try {
    await Promise.race([waitReady(), failed]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  failed.catch(() => undefined);
  return service;
}
