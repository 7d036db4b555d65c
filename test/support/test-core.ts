import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, destroyDocumentClient } from '../../app/core/aws/dynamodb';
import { loadConfig, type Config } from '../../app/core/config';
import { createCore, type Core } from '../../app/core/create-core';
import { ensureItemTable } from '../../local/item-table';
import { createLogger, type Logger } from '../../app/core/logger';
import { startEmbeddedDynamo } from '../../local/dynamo';

/** A logger that writes nothing: for tests that do not read the logs. */
export function silentLogger(): Logger {
  return createLogger({ logLevel: 'silent', environment: 'test' });
}

export interface TestCore {
  core: Core;
  endpoint: string;
  /** DynamoDB commands sent through the core's client, by name (e.g. BatchGetCommand). */
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** A real DynamoDB-compatible server: TEST_DYNAMODB_ENDPOINT when set (DynamoDB Local in CI), else an embedded dynalite. */
export async function startTestDynamo(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const external = process.env.TEST_DYNAMODB_ENDPOINT || undefined;
  if (external) return { endpoint: external, close: async () => undefined };
  const embedded = await startEmbeddedDynamo();
  return { endpoint: embedded.endpoint, close: () => embedded.close() };
}

/** A table name no other test file uses. */
export const testTableName = (): string => `picus-test-${randomUUID().slice(0, 8)}`;

/**
 * A core on its own, counted client (see `calls`), as a test wants it: `close` destroys the client; the core's own
 * close leaves it alone.
 */
export function countedCore(config: Config, logger?: Logger): { core: Core; calls: Map<string, number>; destroy(): void } {
  const doc = createDocumentClient(config);
  const calls = countCalls(doc);
  return { core: createCore(config, { doc, logger }), calls, destroy: () => destroyDocumentClient(doc) };
}

/**
 * A core wired to a real DynamoDB-compatible server (startTestDynamo) and a fresh table, started for this test file.
 */
export async function startTestCore(env: Record<string, string> = {}, overrides: { logger?: Logger } = {}): Promise<TestCore> {
  const dynamo = await startTestDynamo();
  const config = loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_TABLE_NAME: testTableName(), ...env });
  await ensureItemTable(config, config.tableName);
  const { core, calls, destroy } = countedCore(config, overrides.logger);
  return {
    core,
    endpoint: dynamo.endpoint,
    calls,
    close: async () => {
      destroy();
      await dynamo.close();
    },
  };
}

/** Counts each command as the SDK sends it (once per call, retries not counted). */
function countCalls(doc: DynamoDBDocumentClient): Map<string, number> {
  const calls = new Map<string, number>();
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'picusTestCallCounter' },
  );
  return calls;
}
