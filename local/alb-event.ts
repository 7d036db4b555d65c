import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ALBEvent, ALBResult } from 'aws-lambda';

/**
 * What the real ALB hands a Lambda target (built from a local request) and takes back, as @types/aws-lambda
 * types them. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
export type AlbEvent = ALBEvent;

/** The ALB passes these bodies as text; every other content type is base64-encoded. */
const TEXT_TYPES = /^(text\/[^;]*|application\/json|application\/javascript|application\/xml)\s*(;|$)/i;
/** Request body to a Lambda target and its response are each limited to 1 MB. */
export const LAMBDA_PAYLOAD_LIMIT = 1024 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/** `Root=1-<8 hex seconds>-<24 hex>`, as the ALB generates when a request has no trace header. */
function newTraceId(now = Date.now()): string {
  return `Root=1-${Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
}

/** Headers the ALB adds before forwarding to any target. */
export function forwardedHeaders(req: IncomingMessage, listenerPort: number): Record<string, string> {
  const client = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  const prior = req.headers['x-forwarded-for'];
  return {
    'x-forwarded-for': prior ? `${String(prior)}, ${client}` : client,
    'x-forwarded-proto': 'http',
    'x-forwarded-port': String(listenerPort),
    'x-amzn-trace-id': typeof req.headers['x-amzn-trace-id'] === 'string' ? req.headers['x-amzn-trace-id'] : newTraceId(),
  };
}

export function buildAlbEvent(options: {
  req: IncomingMessage;
  /** The request target in origin form (path and query), as the listener parsed it. */
  url?: string;
  body: Buffer;
  targetGroupArn: string;
  multiValueHeaders: boolean;
  listenerPort: number;
}): AlbEvent {
  const { req, body, multiValueHeaders } = options;
  const url = options.url ?? req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1);

  // Names lower-cased, every value kept in order; the ALB does not decode the query string.
  const headerValues = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string): void => {
    map.set(key, [...(map.get(key) ?? []), value]);
  };
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !name.startsWith('x-forwarded-') && name !== 'x-amzn-trace-id') add(headerValues, name, req.rawHeaders[i + 1]!);
  }
  for (const [name, value] of Object.entries(forwardedHeaders(req, options.listenerPort))) headerValues.set(name, [value]);
  const queryValues = new Map<string, string[]>();
  for (const pair of query.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    add(queryValues, eq === -1 ? pair : pair.slice(0, eq), eq === -1 ? '' : pair.slice(eq + 1));
  }

  const contentType = headerValues.get('content-type')?.at(-1) ?? '';
  const isBase64Encoded = body.length > 0 && !TEXT_TYPES.test(contentType);
  const event: AlbEvent = {
    requestContext: { elb: { targetGroupArn: options.targetGroupArn } },
    httpMethod: req.method ?? 'GET',
    path,
    body: body.toString(isBase64Encoded ? 'base64' : 'utf8'),
    isBase64Encoded,
  };
  if (multiValueHeaders) {
    event.multiValueHeaders = Object.fromEntries(headerValues);
    event.multiValueQueryStringParameters = Object.fromEntries(queryValues);
  } else {
    // Without multi-value mode a repeated name keeps only its last value.
    event.headers = Object.fromEntries([...headerValues].map(([k, v]) => [k, v.at(-1)!]));
    event.queryStringParameters = Object.fromEntries([...queryValues].map(([k, v]) => [k, v.at(-1)!]));
  }
  return event;
}

class InvalidLambdaResponseError extends Error {}

/**
 * Checks a Lambda's answer the way the ALB does (anything malformed is a 502)
 * and turns it into a status, headers and body.
 */
export function readAlbResult(result: unknown, multiValueHeaders: boolean): { status: number; headers: [string, string][]; body: Buffer } {
  const invalid = (why: string) => new InvalidLambdaResponseError(`Invalid Lambda response: ${why}`);
  if (typeof result !== 'object' || result === null) throw invalid('not an object');
  const r = result as ALBResult;
  if (JSON.stringify(r).length > LAMBDA_PAYLOAD_LIMIT) throw invalid('larger than 1 MB');
  if (!Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) throw invalid('statusCode');
  if (r.body !== undefined && typeof r.body !== 'string') throw invalid('body must be a string');
  const headers: [string, string][] = [];
  if (multiValueHeaders) {
    if (r.headers !== undefined) throw invalid('multi-value mode needs multiValueHeaders, not headers');
    for (const [name, values] of Object.entries(r.multiValueHeaders ?? {})) {
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw invalid(`header ${name} must be a list of strings`);
      for (const value of values as string[]) headers.push([name, value]);
    }
  } else {
    if (r.multiValueHeaders !== undefined) throw invalid('multiValueHeaders without multi-value mode');
    for (const [name, value] of Object.entries(r.headers ?? {})) {
      if (typeof value !== 'string') throw invalid(`header ${name} must be a string`);
      headers.push([name, value]);
    }
  }
  const body = Buffer.from(r.body ?? '', r.isBase64Encoded ? 'base64' : 'utf8');
  // The ALB drops hop-by-hop headers and computes Content-Length itself.
  return { status: r.statusCode, headers: headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && name.toLowerCase() !== 'content-length'), body };
}
