import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface LoadRequest {
  method: string;
  path: string;
  body?: string | Buffer;
  /** An array sends the header once per value (two Authorization headers, say). */
  headers?: Record<string, string | string[]>;
}

export interface LoadResult {
  request: LoadRequest;
  /** 0 when the request failed below HTTP (refused, reset, timed out). */
  status: number;
  contentType?: string;
  /** The response's headers (empty when the request failed below HTTP). */
  headers: IncomingHttpHeaders;
  body: string;
  error?: string;
  startedAt: number;
  ms: number;
}

export interface LoadOptions {
  url: string;
  /** Requests per second across all connections. */
  rate: number;
  durationMs: number;
  connections: number;
  /** The i-th request to send. */
  next(i: number): LoadRequest;
  /** A client gives up after this long (counts as a failure). */
  timeoutMs?: number;
}

/**
 * Steady open-loop load for the reliability tests: request i is due at
 * start + i / rate, sent on one of `connections` keep-alive sockets, and every
 * response is kept (status, body, latency) so a test can check each one.
 * autocannon drives the benchmarks; here every single answer matters.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const results: LoadResult[] = [];
  const start = Date.now();
  const total = Math.floor((options.rate * options.durationMs) / 1000);
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      const i = issued++;
      const due = start + (i * 1000) / options.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      results.push(await send(options.url, options.next(i), { agent, timeoutMs: options.timeoutMs }));
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  agent.destroy();
  return results;
}

/** One request over a real socket; the body goes out byte for byte (invalid UTF-8 included). */
export function send(url: string, request: LoadRequest, options: { agent?: Agent | false; timeoutMs?: number } = {}): Promise<LoadResult> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const done = (status: number, body: string, error?: string, headers: IncomingHttpHeaders = {}): void =>
      resolve({ request, status, contentType: headers['content-type'], headers, body, error, startedAt, ms: Date.now() - startedAt });
    const headers: Record<string, string | string[] | number> = { ...request.headers };
    if (request.body !== undefined) {
      // JSON unless the request brings headers of its own (fuzzing sends none, or odd ones, on purpose).
      if (!request.headers) headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(request.body);
    }
    const req = httpRequest(url, { method: request.method, path: request.path, headers, agent: options.agent, timeout: options.timeoutMs ?? 15_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done(res.statusCode ?? 0, body, undefined, res.headers));
      res.on('error', (error) => done(0, body, error.message));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (error) => done(0, '', error.message));
    req.end(request.body);
  });
}

/** Counts by status ("0" for failures below HTTP), for reports and assertion messages. */
export function statusCounts(results: LoadResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
