/**
 * Bench process: dynalite (in memory) and, in front of it, one counting proxy
 * per side ("ours", "floor"; the test suites' DynamoDB proxy, with no faults)
 * that tallies every DynamoDB operation by its X-Amz-Target (GetItem,
 * BatchGetItem, Scan, ...) and streams the call through unchanged; two
 * proxies, so both sides can run at once and still be counted apart. Seeding
 * goes straight to dynalite. The parent reads and resets the counts over IPC.
 */
import dynalite from 'dynalite';
import { listen } from '../../../app/http/listen';
import { startDynamoFaultProxy, type DynamoFaultProxy } from '../../../test/support/dynamo-fault-proxy';

async function main(): Promise<void> {
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const direct = await listen(db, 0, '127.0.0.1');
  const directEndpoint = `http://127.0.0.1:${direct.port}`;

  const proxies: Record<string, DynamoFaultProxy> = {};
  for (const side of ['ours', 'floor']) proxies[side] = await startDynamoFaultProxy(directEndpoint);
  const endpoints = Object.fromEntries(Object.entries(proxies).map(([side, proxy]) => [side, proxy.endpoint]));
  const counts = Object.fromEntries(Object.entries(proxies).map(([side, proxy]) => [side, proxy.received]));

  process.on('message', (message: string) => {
    if (message !== 'counts') return;
    process.send!({ counts: Object.fromEntries(Object.entries(counts).map(([side, tally]) => [side, Object.fromEntries(tally)])) });
    for (const tally of Object.values(counts)) tally.clear();
  });
  process.send!({ ready: true, endpoints, directEndpoint });
}

void main();

// Gone with the benchmark that started it, even if that one crashed.
process.on('disconnect', () => process.exit(0));
