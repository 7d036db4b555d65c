/**
 * Bench process: dynalite (in memory) and, in front of it, one counting proxy
 * per side ("ours", "floor") that tallies every DynamoDB operation by its
 * X-Amz-Target (GetItem, BatchGetItem, Scan, ...) before passing the request
 * through unchanged; two proxies, so both sides can run at once and still be
 * counted apart. Seeding goes straight to dynalite. The parent reads and
 * resets the counts over IPC.
 */
import { Agent, createServer, request } from 'node:http';
import dynalite from 'dynalite';
import { listen } from '../../../app/http/listen';

async function main(): Promise<void> {
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const direct = await listen(db, 0, '127.0.0.1');
  const upstream = new Agent({ keepAlive: true, maxSockets: 256 });

  const counts: Record<string, Map<string, number>> = {};
  const endpoints: Record<string, string> = {};
  for (const side of ['ours', 'floor']) {
    const tally = (counts[side] = new Map<string, number>());
    const proxy = createServer((req, res) => {
      const target = String(req.headers['x-amz-target'] ?? 'unknown');
      const operation = target.slice(target.lastIndexOf('.') + 1);
      tally.set(operation, (tally.get(operation) ?? 0) + 1);
      const forward = request(
        { host: '127.0.0.1', port: direct.port, method: req.method, path: req.url, headers: req.headers, agent: upstream },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    proxy.keepAliveTimeout = 65_000;
    endpoints[side] = `http://127.0.0.1:${(await listen(proxy, 0, '127.0.0.1')).port}`;
  }

  process.on('message', (message: string) => {
    if (message !== 'counts') return;
    process.send!({ counts: Object.fromEntries(Object.entries(counts).map(([side, tally]) => [side, Object.fromEntries(tally)])) });
    for (const tally of Object.values(counts)) tally.clear();
  });
  process.send!({ ready: true, endpoints, directEndpoint: `http://127.0.0.1:${direct.port}` });
}

void main();

// Gone with the benchmark that started it, even if that one crashed.
process.on('disconnect', () => process.exit(0));
