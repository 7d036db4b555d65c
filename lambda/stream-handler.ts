/**
 * The stream processor's entry point (bundled to dist/stream/handler.js, handler `handler.handler`): DynamoDB Streams
 * of the items table -> the change bus (CHANGE_BUS_URL, ElastiCache for Valkey), so subscribers on every task hear of
 * every write, whoever made it. The bus is connected once per execution environment.
 */
import { createRedisChangeBus } from '../app/core/changes/redis-change-bus';
import { loadConfig } from '../app/core/config';
import { createLogger } from '../app/core/logger';
import { createStreamHandler } from './create-stream-handler';

const config = loadConfig(process.env);
const logger = createLogger(config, 'picus-changes');
if (!config.changeBusUrl) throw new Error('CHANGE_BUS_URL is required: the stream processor publishes to the change bus');

export const handler = createStreamHandler({ bus: createRedisChangeBus(config.changeBusUrl, logger), logger });
