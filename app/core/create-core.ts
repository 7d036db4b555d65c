import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, destroyDocumentClient } from './aws/dynamodb';
import { tokenVerifierFor, type TokenVerifier } from './auth/token-verifier';
import type { Config } from './config';
import { describeCause } from './errors';
import type { ItemChange } from './items/item-changes';
import { createItemService, type ItemService } from './items/item-service';
import { createDynamoItemStore } from './items/dynamo-item-store';
import type { ItemStore } from './items/item-store';
import type { ItemDeleter } from './items/item-deleter';
import { createInProcessBus, type ChangeBus } from './changes/change-bus';
import { createLogger, type Logger } from './logger';

export interface Core {
  config: Config;
  logger: Logger;
  itemStore: ItemStore;
  itemService: ItemService;
  /** Verifies bearer tokens; undefined when authentication is off (AUTH_MODE=off, or no issuer outside production). */
  tokenVerifier: TokenVerifier | undefined;
  /** GraphQL's deleteItem: through the DELETE Lambda (DELETE_FUNCTION_NAME), the only one that may delete. */
  itemDeleter: ItemDeleter;
  /** Where acknowledged writes go and subscriptions listen: this process, or a Redis-protocol server (CHANGE_BUS_URL). */
  changeBus: ChangeBus;
  /** Closes the DynamoDB client's sockets. */
  close(): void;
}

/**
 * Composition root shared by the service, the Lambda and the local runner:
 * config -> one DynamoDB client -> store -> service. Pass `doc` or `logger` to
 * reuse ones built elsewhere (tests count calls on their own client).
 *
 * @example
 * const core = createCore(loadConfig(process.env));
 */
export function createCore(
  config: Config,
  overrides: { doc?: DynamoDBDocumentClient; logger?: Logger; tokenVerifier?: TokenVerifier; itemDeleter?: ItemDeleter; changeBus?: ChangeBus } = {},
): Core {
  const logger = overrides.logger ?? createLogger(config);
  const doc = overrides.doc ?? createDocumentClient(config);
  const itemStore = createDynamoItemStore({ doc, tableName: config.tableName });
  const changeBus = overrides.changeBus ?? (config.changeBusUrl ? redisChangeBus(config.changeBusUrl, logger) : createInProcessBus());
  // A write is acknowledged first; telling subscribers cannot fail or slow it (a lost publish is logged).
  const changed = (change: ItemChange) =>
    void changeBus
      .publish(change)
      .catch((error: unknown) => logger.warn({ id: change.id, kind: change.kind, cause: describeCause({ cause: error }) }, 'change not published'));
  // With CHANGE_FEED=stream the table's stream tells the bus (every writer); publishing here too would say it twice.
  const itemService = createItemService({ store: itemStore, changed: config.changeFeed === 'writes' ? changed : undefined });
  const tokenVerifier = overrides.tokenVerifier ?? tokenVerifierFor(config.auth);
  if (config.auth.mode === 'off' && config.auth.explicit) {
    logger.warn({ auth: 'off' }, 'AUTH_MODE=off: the API is open to anyone who can reach it');
  }
  return {
    config,
    logger,
    itemStore,
    itemService,
    tokenVerifier,
    itemDeleter: overrides.itemDeleter ?? lambdaItemDeleter(config),
    changeBus,
    close: () => {
      if (!overrides.doc) destroyDocumentClient(doc);
      if (!overrides.changeBus) void changeBus.close();
    },
  };
}

/**
 * The Lambda adapter, loaded on the first delete. A static import would put the Lambda SDK client (about 120 KB
 * minified) into the DELETE Lambda's bundle, which builds its core here too but deletes through its store; the
 * bundle leaves this module out (scripts/build.ts) and its test checks that the client is not inside.
 */
function lambdaItemDeleter(config: Config): ItemDeleter {
  let adapter: Promise<ItemDeleter> | undefined;
  return {
    delete: async (id, caller) => {
      adapter ??= import('./aws/lambda-item-deleter').then((module) => module.createLambdaItemDeleter(config));
      return (await adapter).delete(id, caller);
    },
  };
}

/**
 * The Redis-protocol adapter, loaded on first use, for the same reason as the Lambda adapter above: the DELETE
 * Lambda builds its core here too and never fans out (in AWS, DynamoDB Streams tell the bus of its deletes), and a
 * static import would put the Redis client into its bundle (about 600 KB minified; scripts/build.ts leaves it out).
 */
function redisChangeBus(url: string, logger: Logger): ChangeBus {
  const bus = import('./changes/redis-change-bus').then((module) => module.createRedisChangeBus(url, logger));
  bus.catch(() => undefined);
  return {
    publish: async (change) => (await bus).publish(change),
    subscribe: async (listener) => (await bus).subscribe(listener),
    close: async () => (await bus).close(),
  };
}
