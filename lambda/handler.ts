/**
 * Lambda entry point (bundled to dist/lambda/handler.js, handler `handler.handler`).
 * The core is built once per execution environment, at module scope, so warm
 * invocations reuse the DynamoDB client and its sockets.
 */
import { loadConfig } from '../app/core/config';
import { createCore } from '../app/core/create-core';
import { createLogger } from '../app/core/logger';
import { createHandler } from './create-handler';

const config = loadConfig(process.env);
const core = createCore(config, { logger: createLogger(config, 'picus-delete') });

export const handler = createHandler({
  itemService: core.itemService,
  logger: core.logger,
  production: config.isProduction,
  cors: { origins: config.corsOrigins, production: config.isProduction },
  tokenVerifier: core.tokenVerifier,
});
