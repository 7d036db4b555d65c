/**
 * The floor: a bare node:http server that makes the same DynamoDB call as the
 * service for each scenario, with the same DocumentClient (built by the same
 * app/core code from the same environment), and nothing else: no framework,
 * no validation, no logging, no GraphQL.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../app/core/aws/dynamodb';
import { loadConfig } from '../../../app/core/config';
import { PROJECTION } from '../../../app/core/items/dynamo-item-store';
import { listen } from '../../../app/http/listen';

const config = loadConfig(process.env);
const doc = createDocumentClient(config);
const TableName = config.tableName;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://floor');
  const [, route, key] = url.pathname.split('/');
  const item = () => ({ TableName, Key: { id: decodeURIComponent(key!) } });
  if (req.method === 'GET' && route === 'get') {
    const { Item } = await doc.send(new GetCommand({ ...item(), ConsistentRead: true, ...PROJECTION }));
    return Item ? reply(res, 200, Item) : reply(res, 404, { error: 'not found' });
  }
  if (req.method === 'POST' && route === 'put') {
    const data = await readJson(req);
    const id = randomUUID();
    await doc.send(new PutCommand({ TableName, Item: { id, data, createdAt: new Date().toISOString() } }));
    return reply(res, 201, { id });
  }
  if (req.method === 'GET' && route === 'list') {
    const { Items } = await doc.send(new ScanCommand({ TableName, Limit: Number(url.searchParams.get('limit') ?? 100), ...PROJECTION }));
    return reply(res, 200, Items ?? []);
  }
  if (req.method === 'POST' && route === 'batch') {
    const { ids } = (await readJson(req)) as { ids: string[] };
    const result = await doc.send(
      new BatchGetCommand({ RequestItems: { [TableName]: { Keys: ids.map((id) => ({ id })), ConsistentRead: true, ...PROJECTION } } }),
    );
    return reply(res, 200, result.Responses?.[TableName] ?? []);
  }
  if (req.method === 'PUT' && route === 'item') {
    // The service's conditional update: one UpdateItem naming the expected version, bumping it.
    const data = await readJson(req);
    const expected = Number(url.searchParams.get('version') ?? 1);
    try {
      const { Attributes } = await doc.send(
        new UpdateCommand({
          ...item(),
          UpdateExpression: 'SET #data = :data, #version = if_not_exists(#version, :one) + :one',
          ConditionExpression: 'attribute_exists(#id) AND (#version = :expected OR (attribute_not_exists(#version) AND :expected = :one))',
          ExpressionAttributeNames: { '#id': 'id', '#data': 'data', '#version': 'version' },
          ExpressionAttributeValues: { ':data': data, ':one': 1, ':expected': expected },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return reply(res, 200, Attributes);
    } catch {
      return reply(res, 412, { error: 'precondition failed' });
    }
  }
  if (req.method === 'DELETE' && route === 'item') {
    try {
      const deleted = new DeleteCommand({
        ...item(),
        ConditionExpression: 'attribute_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
        ReturnValues: 'ALL_OLD',
      });
      const { Attributes } = await doc.send(deleted);
      return reply(res, 200, { deleted: Attributes?.id });
    } catch {
      return reply(res, 404, { error: 'not found' });
    }
  }
  if (req.method === 'GET' && route === 'scan-all') {
    // The plain paginated Scan loop: every page of a table, items counted and dropped.
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: url.searchParams.get('table') ?? TableName, ExclusiveStartKey }));
      count += page.Items?.length ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return reply(res, 200, { count });
  }
  if (route === 'ping') return reply(res, 200, { ok: true });
  reply(res, 404, { error: 'no such floor route' });
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => reply(res, 500, { error: 'floor failed' }));
});
server.keepAliveTimeout = 65_000;
void listen(server, config.port, '127.0.0.1');

// Gone with the benchmark that started it, even if that one crashed.
process.on('disconnect', () => process.exit(0));
// An orderly exit on SIGTERM, so `--cpu-prof` gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
