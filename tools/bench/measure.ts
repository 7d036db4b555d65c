/**
 * What the benchmark reads off the processes it drives: CPU time from the
 * kernel (every thread of the process, in nanoseconds), resident memory, and
 * load: autocannon as fast as the server answers (throughput), or requests
 * paced evenly at a fixed rate (CPU time and latency).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

/** CPU time the process has used so far, all threads, from /proc/<pid>/task/<tid>/schedstat (ns on CPU). */
export function cpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) * 1024 : 0;
}

export interface Target {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Called for each request: its path, body and extra headers (a bearer token). */
  next(): { path: string; body?: string; headers?: Record<string, string> };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx, and connection errors. */
  failures: number;
}

function summarise(latencies: number[], seconds: number, failures: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const at = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), failures };
}

/** autocannon on `connections` connections, as fast as answers come, for `seconds` or exactly `amount` requests. */
export async function saturate(target: Target, options: { connections: number; seconds?: number; amount?: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: target.url,
    connections: options.connections,
    ...(options.amount === undefined ? { duration: options.seconds } : { amount: options.amount }),
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: target.method,
        setupRequest: (req) => {
          const { headers, ...rest } = target.next();
          return { ...req, ...rest, headers: { ...req.headers, 'content-type': 'application/json', ...headers } };
        },
      },
    ],
  });
  // autocannon's histogram keeps whole milliseconds; the response event has the exact time.
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  const result = await instance;
  return summarise(latencies, Number(process.hrtime.bigint() - started) / 1e9, result.non2xx + result.errors);
}

/**
 * `count` requests paced evenly at `rate` per second (request i is due at
 * start + i / rate), open loop, over up to `connections` keep-alive sockets.
 * autocannon's own rate limit sends each second's quota as one burst, which
 * makes CPU time per request swing with how bursts line up; even pacing does not.
 */
export async function pace(target: Target, options: { rate: number; count: number; connections: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let failures = 0;
  const started = process.hrtime.bigint();
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const { path, body, headers } = target.next();
      const sent = process.hrtime.bigint();
      const req = request(target.url + path, { method: target.method, agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) failures += 1;
          latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
          resolve();
        });
      });
      req.on('error', () => {
        failures += 1;
        resolve();
      });
      req.end(body);
    });
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const due = Number(started) / 1e6 + (i * 1000) / options.rate;
    const wait = due - Number(process.hrtime.bigint()) / 1e6;
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(one());
  }
  await Promise.all(inFlight);
  agent.destroy();
  return summarise(latencies, Number(process.hrtime.bigint() - started) / 1e9, failures);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
