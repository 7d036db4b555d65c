import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, destroyDocumentClient } from '../../app/core/aws/dynamodb';
import { loadConfig } from '../../app/core/config';
import { createCore, type Core } from '../../app/core/create-core';
import { ensureItemTable } from '../../app/core/items/item-table';
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

/**
 * A core wired to a real DynamoDB-compatible server and a fresh table:
 * TEST_DYNAMODB_ENDPOINT when set (DynamoDB Local in CI), else an embedded
 * dynalite started for this test file.
 */
export async function startTestCore(env: Record<string, string> = {}, overrides: { logger?: Logger } = {}): Promise<TestCore> {
  const external = process.env.TEST_DYNAMODB_ENDPOINT || undefined;
  const embedded = external ? undefined : await startEmbeddedDynamo();
  const endpoint = external ?? embedded!.endpoint;
  const config = loadConfig({
    NODE_ENV: 'test',
    DYNAMODB_ENDPOINT: endpoint,
    DYNAMODB_TABLE_NAME: `picus-test-${randomUUID().slice(0, 8)}`,
    ...env,
  });
  const doc = createDocumentClient(config);
  const calls = countCalls(doc);
  await ensureItemTable(doc, config.tableName);
  calls.clear();
  const core = createCore(config, { doc, logger: overrides.logger });
  return {
    core,
    endpoint,
    calls,
    close: async () => {
      destroyDocumentClient(doc);
      await embedded?.close();
    },
  };
}

/** Counts each command as the SDK sends it (once per call, retries not counted). */
export function countCalls(doc: DynamoDBDocumentClient): Map<string, number> {
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
