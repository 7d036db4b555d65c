/**
 * A reference beside the floor: Express 5 with one route and nothing else
 * (no middleware, no validation, no logging), making the floor's GetItem call
 * with the same DocumentClient. What it costs over the floor is what Express
 * itself costs per request, the part of our GET that no change of ours removes.
 */
import { createServer } from 'node:http';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import express from 'express';
import { createDocumentClient } from '../../../app/core/aws/dynamodb';
import { loadConfig } from '../../../app/core/config';
import { PROJECTION } from '../../../app/core/items/dynamo-item-store';
import { listen } from '../../../app/http/listen';

const config = loadConfig(process.env);
const doc = createDocumentClient(config);

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/get/:key', async (req, res) => {
  const { Item } = await doc.send(new GetCommand({ TableName: config.tableName, Key: { id: req.params.key }, ConsistentRead: true, ...PROJECTION }));
  if (Item) res.json(Item);
  else res.status(404).json({ error: 'not found' });
});

const server = createServer(app);
server.keepAliveTimeout = 65_000;
void listen(server, config.port, '127.0.0.1');

process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
