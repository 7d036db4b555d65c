import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one call:
 * - `throttle`: answer as DynamoDB does when a table or partition is over its throughput, without
 *   forwarding: HTTP 400 `ProvisionedThroughputExceededException`, which the SDK retries with backoff.
 * - `{ batchGetLimit: n }` (BatchGetItem only): forward, then keep the first n items read and hand
 *   the keys of the rest back in `UnprocessedKeys`, as DynamoDB does when some reads are throttled.
 * - `undefined`: pass the call through untouched.
 */
export type Fault = 'throttle' | { batchGetLimit: number } | undefined;

export interface FaultCall {
  /** The DynamoDB operation, from `X-Amz-Target` (`GetItem`, `BatchGetItem`, ...). */
  operation: string;
  /** The SDK's attempt number for this call, from its `amz-sdk-request` header: 1, then 2, 3 on retries. */
  attempt: number;
}

export interface DynamoFaultProxy {
  endpoint: string;
  /** Calls received, by operation name (`GetItem`, `BatchGetItem`, ...), SDK retries included. */
  received: Map<string, number>;
  /** Calls answered with a throttling error, by operation name. */
  throttled: Map<string, number>;
  /** Decides per call; replace it to change the faults while traffic flows. */
  fault: (call: FaultCall) => Fault;
  close(): Promise<void>;
}

/**
 * A DynamoDB endpoint in front of a real one (dynalite or DynamoDB Local) that
 * counts every call by operation and can inject the throttling responses no
 * emulator produces, on the wire, so the SDK's retries, our backoff and our
 * error mapping all run as they would against DynamoDB. Bodies follow the
 * JSON 1.0 protocol DynamoDB speaks:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 * Without faults it only counts, streaming each call through: the benchmarks'
 * DynamoDB calls per request come from it.
 */
export async function startDynamoFaultProxy(upstream: string): Promise<DynamoFaultProxy> {
  const url = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const count = (counts: Map<string, number>, operation: string): void => {
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  };

  const proxy: DynamoFaultProxy = {
    endpoint: '',
    received: new Map(),
    throttled: new Map(),
    fault: () => undefined,
    close: async () => {},
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? 'unknown');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    count(proxy.received, operation);
    const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
    const fault = proxy.fault({ operation, attempt });
    if (fault === undefined) {
      // Passed through as a stream, untouched: this is also the benchmarks' counting proxy.
      const out = forward(req, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(out);
      return;
    }
    if (fault === 'throttle') {
      await readBody(req);
      count(proxy.throttled, operation);
      const text = JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message:
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      });
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': 'fault-proxy' });
      res.end(text);
      return;
    }
    const body = await readBody(req);
    const answer = await new Promise<IncomingMessage>((resolve) => forward(req, resolve).end(body));
    let payload = await readBody(answer);
    if (operation === 'BatchGetItem' && answer.statusCode === 200) {
      const input = JSON.parse(body.toString('utf8')) as BatchGetInput;
      payload = Buffer.from(JSON.stringify(leaveUnprocessed(input, JSON.parse(payload.toString('utf8')), fault.batchGetLimit)));
    }
    const headers: Record<string, string | string[] | undefined> = { ...answer.headers, 'content-length': String(payload.length) };
    delete headers['x-amz-crc32']; // the checksum of the body the upstream sent, not of this one
    res.writeHead(answer.statusCode ?? 502, headers);
    res.end(payload);
  };

  /** The same request to the upstream; a failed upstream call cuts the client's connection. */
  const forward = (req: IncomingMessage, onAnswer: (answer: IncomingMessage) => void) =>
    httpRequest({ host: url.hostname, port: url.port, path: req.url, method: req.method, headers: { ...req.headers, host: url.host }, agent }, onAnswer).on(
      'error',
      () => req.socket.destroy(),
    );

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    agent.destroy();
  };
  return proxy;
}

interface BatchGetInput {
  RequestItems: Record<string, { Keys: Record<string, unknown>[] } & Record<string, unknown>>;
}

interface BatchGetOutput {
  Responses?: Record<string, Record<string, unknown>[]>;
  UnprocessedKeys?: Record<string, { Keys: Record<string, unknown>[] }>;
}

/**
 * Keeps `limit` items per table in `Responses` and returns the keys (`id`) of the others as
 * unprocessed, with the request's other parameters (ConsistentRead, projection) as DynamoDB does.
 */
function leaveUnprocessed(input: BatchGetInput, output: BatchGetOutput, limit: number): BatchGetOutput {
  const unprocessed: NonNullable<BatchGetOutput['UnprocessedKeys']> = { ...output.UnprocessedKeys };
  const responses: NonNullable<BatchGetOutput['Responses']> = {};
  for (const [table, items] of Object.entries(output.Responses ?? {})) {
    responses[table] = items.slice(0, limit);
    const rest = items.slice(limit).map((item) => ({ id: item.id }));
    if (rest.length > 0) unprocessed[table] = { ...input.RequestItems[table], Keys: [...(unprocessed[table]?.Keys ?? []), ...rest] };
  }
  return { ...output, Responses: responses, UnprocessedKeys: unprocessed };
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
