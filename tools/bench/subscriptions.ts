/**
 * npm run bench:subscriptions: what subscriptions cost and how fast they deliver, on this machine, against a floor
 * measured in the same run (a bare `ws` server that broadcasts each message to every socket: no GraphQL, no
 * authorization, no bus). Prints a Markdown table (docs/subscriptions.md keeps the last one).
 * - one task: SUBSCRIBERS WebSocket subscriptions on the production build, WRITES REST creates one after another;
 *   latency from each write's acknowledgement (its 201 arriving) to each subscriber receiving its change;
 * - two tasks: half the subscribers on each of two processes fanned out through redis-server, writes alternating;
 * - memory per idle connection (RSS before and after connecting them) and CPU per delivered message (the service's
 *   CPU time over the write phase, all threads, divided by the deliveries).
 *   SUBSCRIBERS (default 1000) and WRITES (default 200) change the load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../app/core/config';
import { ensureItemTable } from '../../local/item-table';
import { freshBuild } from '../../test/support/build';
import { BASE_ENV, freePort, startDynamoProcess, startServiceProcess, type ChildService } from '../../test/support/processes';
import { openSubscribers } from '../../test/support/subscribers';
import { cpuNs, rssBytes } from './measure';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const WRITES = Number(process.env.WRITES ?? 200);
const TABLE = 'picus-bench-subscriptions';

interface Scenario {
  name: string;
  p50: number;
  p99: number;
  delivered: number;
  lost: number;
  rssPerConnectionKiB?: number;
  cpuUsPerDelivery?: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Opens `count` subscriptions to `url`; calls `onChange(id, receivedAt)` per change. */
const subscribe = (url: string, count: number, onChange: (id: string, at: number) => void) =>
  openSubscribers(url, count, (change, _subscriber, at) => onChange(change.id, at));

/** WRITES creates one after another, each through `urls[i % urls.length]`: their acknowledgement times, by id. */
async function write(urls: string[]): Promise<Map<string, number>> {
  const acked = new Map<string, number>();
  for (let i = 0; i < WRITES; i += 1) {
    const res = await fetch(`${urls[i % urls.length]}/picus/put`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: i }),
    });
    const { id } = (await res.json()) as { id: string };
    acked.set(id, performance.now());
  }
  await sleep(1000); // the last deliveries
  return acked;
}

function summarize(name: string, acked: Map<string, number>, received: [string, number][], subscribers: number): Scenario {
  const latencies = received
    .map(([id, at]) => at - (acked.get(id) ?? NaN))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  return {
    name,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered: latencies.length,
    lost: acked.size * subscribers - latencies.length,
  };
}

async function floor(): Promise<Scenario> {
  const port = await freePort();
  const script = `
    const { WebSocketServer } = require('ws');
    const http = require('node:http');
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        const id = require('node:crypto').randomUUID();
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
        const message = JSON.stringify({ type: 'next', id: '1', payload: { data: { itemChanged: { kind: 'CREATED', id, version: 1 } } } });
        for (const socket of wss.clients) socket.send(message);
      });
    });
    const wss = new WebSocketServer({ server, path: '/graphql' });
    wss.on('connection', (socket) => socket.on('message', (data) => { if (JSON.parse(String(data)).type === 'connection_init') socket.send('{"type":"connection_ack"}'); }));
    server.listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), env: BASE_ENV, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  const url = `http://127.0.0.1:${port}`;
  const received: [string, number][] = [];
  const sockets = await subscribe(url, SUBSCRIBERS, (id, at) => received.push([id, at]));
  const acked = await write([url]);
  sockets.close();
  child.kill('SIGTERM');
  return summarize('floor: bare ws broadcast, one process', acked, received, SUBSCRIBERS);
}

async function main(): Promise<void> {
  const build = freshBuild();
  const dynamo = await startDynamoProcess({ path: mkdtempSync(join(tmpdir(), 'picus-bench-subs-')) });
  await ensureItemTable(loadConfig({ NODE_ENV: 'test', DYNAMODB_ENDPOINT: dynamo.endpoint }), TABLE);
  const env = {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    DYNAMODB_TABLE_NAME: TABLE,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    SHUTDOWN_DELAY_MS: '0',
    LOG_LEVEL: 'warn',
  };
  const results: Scenario[] = [await floor()];
  let redis: ChildProcess | undefined;
  const services: ChildService[] = [];
  try {
    // One task.
    const one = await startServiceProcess({ ...env, SUBSCRIPTION_MAX_CONNECTIONS: String(SUBSCRIBERS + 10) }, { root: build.root });
    services.push(one);
    const idle = rssBytes(one.pid);
    const received: [string, number][] = [];
    const sockets = await subscribe(one.url, SUBSCRIBERS, (id, at) => received.push([id, at]));
    const connected = rssBytes(one.pid);
    const cpuBefore = cpuNs(one.pid);
    const acked = await write([one.url]);
    const cpu = cpuNs(one.pid) - cpuBefore;
    const single = summarize(`one task: ${SUBSCRIBERS} subscriptions`, acked, received, SUBSCRIBERS);
    single.rssPerConnectionKiB = (connected - idle) / 1024 / SUBSCRIBERS;
    single.cpuUsPerDelivery = cpu / 1000 / Math.max(1, single.delivered);
    results.push(single);
    sockets.close();
    await one.stop();
    services.length = 0;

    // Two tasks through redis-server.
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await sleep(300);
    const busEnv = { ...env, CHANGE_BUS_URL: `redis://127.0.0.1:${port}` };
    for (let i = 0; i < 2; i += 1) services.push(await startServiceProcess(busEnv, { root: build.root }));
    const twoReceived: [string, number][] = [];
    const half = Math.floor(SUBSCRIBERS / 2);
    const halves = [
      await subscribe(services[0]!.url, half, (id, at) => twoReceived.push([id, at])),
      await subscribe(services[1]!.url, SUBSCRIBERS - half, (id, at) => twoReceived.push([id, at])),
    ];
    const twoSockets = { close: () => halves.forEach((h) => h.close()) };
    const twoAcked = await write(services.map((s) => s.url));
    results.push(
      summarize(`two tasks through redis-server: ${half} + ${SUBSCRIBERS - half} subscriptions, writes alternating`, twoAcked, twoReceived, SUBSCRIBERS),
    );
    twoSockets.close();
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    redis?.kill('SIGTERM');
    await dynamo.stop();
    build.remove();
  }
  const f = results[0]!;
  const row = (r: Scenario) =>
    `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p99 / f.p99).toFixed(1)}x | ${r.delivered} | ${r.lost} | ${r.rssPerConnectionKiB?.toFixed(1) ?? ''} | ${r.cpuUsPerDelivery?.toFixed(1) ?? ''} |`;
  process.stdout.write(
    [
      `${WRITES} writes, ${SUBSCRIBERS} subscribers, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| scenario | p50 ms | p99 ms | p99 / floor | delivered | lost | RSS per idle connection, KiB | CPU per delivery, µs |',
      '|---|---|---|---|---|---|---|---|',
      ...results.map(row),
      '',
    ].join('\n'),
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
