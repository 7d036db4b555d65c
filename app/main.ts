/**
 * Production entry point (`node dist/app/main.js`): read the environment,
 * build the core, listen, and drain on SIGTERM the way an ECS rolling deploy expects.
 */
import { ConfigError, loadConfig } from './core/config';
import { createCore } from './core/create-core';
import { startService } from './start-service';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const core = createCore(config);
  const { logger } = core;
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });

  const running = await startService(core);
  logger.info({ url: running.url, table: config.tableName, endpoint: config.dynamodbEndpoint ?? 'aws' }, 'listening');

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stop signal received');
    running.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
