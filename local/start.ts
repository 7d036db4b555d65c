/**
 * `npm start`: the whole system on one machine, no cloud account, no Docker (local/system.ts says what runs).
 * The environment is read by app/core/config.ts: the service's variables, and PICUS_DATA_DIR ("memory" keeps
 * nothing), DYNAMODB_PORT, ALB_PORT, ISSUER_PORT and LAMBDA_PORT for the local parts.
 */
import { loadLocalSystemOptions } from './options';
import { startLocalSystem } from './system';

async function main(): Promise<void> {
  // A terminal gets readable log lines; a pipe (CI, a file) gets JSON, as everywhere else.
  const system = await startLocalSystem({ env: process.env, ...loadLocalSystemOptions(process.env), pretty: Boolean(process.stdout.isTTY) });
  // A ready token only for a terminal: piped to a file or a CI log, the banner says how to mint one instead.
  process.stdout.write(`${await system.banner({ token: Boolean(process.stdout.isTTY) })}\n`);
  const stop = (): void => void system.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
