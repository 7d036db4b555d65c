import { request as httpRequest, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ALBEvent } from 'aws-lambda';
import { sendEdgeError, sendEdgeErrorOnSocket } from './alb-answers';
import { buildAlbEvent, forwardedHeaders, LAMBDA_PAYLOAD_LIMIT, readAlbResult } from './alb-event';
import type { TargetGroup } from './alb-targets';

/** Any function that takes an ALB event and answers like a Lambda: the handler, invoked in-process. */
export type LambdaTarget = (event: ALBEvent, context: { awsRequestId: string }) => Promise<unknown>;

/**
 * Proxies one request to a service target over HTTP, as the ALB forwards: every raw header line, the forwarding
 * headers, the origin form of the target, the idle timeout (504) and a refused connection (502).
 */
export function forwardToService(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  edge: { group: TargetGroup; agent: Agent; listenerPort: number; idleTimeoutMs: number },
): void {
  const target = edge.group.pick();
  if (!target) {
    sendEdgeError(res, 'NO_HEALTHY_TARGET');
    return;
  }
  const finish = edge.group.begin(target);
  const upstream = httpRequest(
    // The origin form of the target (an absolute-form request target loses its scheme and host, as a proxy's does).
    {
      protocol: target.url.protocol,
      hostname: target.url.hostname,
      port: target.url.port,
      method: req.method,
      path,
      headers: upstreamHeaders(req, edge.listenerPort),
      agent: edge.agent,
      timeout: edge.idleTimeoutMs,
    },
    (upstreamRes) => relay(req, res, upstream, upstreamRes, finish),
  );
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('idle timeout'), { code: 'ALB_IDLE_TIMEOUT' })));
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    finish();
    sendEdgeError(res, error.code === 'ALB_IDLE_TIMEOUT' ? 'GATEWAY_TIMEOUT' : 'BAD_GATEWAY');
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
    finish();
  });
  req.pipe(upstream);
}

/**
 * From the raw headers, every line as sent: Node's req.headers keeps only the first of some (Authorization among
 * them), and a proxy that dropped the others would hide a duplicated header from the target, which refuses it.
 */
function upstreamHeaders(req: IncomingMessage, listenerPort: number): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'connection' || name === 'keep-alive') continue;
    const prior = headers[name];
    headers[name] = prior === undefined ? value : [...[prior].flat(), value];
  }
  return Object.assign(headers, forwardedHeaders(req, listenerPort));
}

function relay(req: IncomingMessage, res: ServerResponse, upstream: ReturnType<typeof httpRequest>, upstreamRes: IncomingMessage, finish: () => void): void {
  const responseHeaders = { ...upstreamRes.headers };
  delete responseHeaders.connection;
  delete responseHeaders['keep-alive'];
  // The target answered before the whole request body arrived (a 400 or 413 for a large body, say). What is left of
  // that body is never read, so the client's connection cannot carry another request: close it after this response,
  // or the client's next request on it would wait forever.
  const early = !req.complete;
  if (early) responseHeaders.connection = 'close';
  res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders);
  upstreamRes.pipe(res);
  upstreamRes.on('end', () => {
    finish();
    if (early) {
      req.unpipe(upstream);
      upstream.destroy();
    }
  });
  upstreamRes.on('error', () => {
    finish();
    res.destroy();
  });
}

/**
 * Invokes the Lambda target with the event the real ALB builds (its 1 MB payload limit, single- or multi-value
 * headers) and answers with what it returns; a Lambda that throws or answers malformed JSON is a 502.
 */
export async function invokeLambdaTarget(
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  edge: { lambda: LambdaTarget; requestId: string; targetGroupArn: string; multiValueHeaders: boolean; listenerPort: number },
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit: leaving a body unread would stall the client mid-upload.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= LAMBDA_PAYLOAD_LIMIT) chunks.push(chunk as Buffer);
  }
  if (size > LAMBDA_PAYLOAD_LIMIT) {
    sendEdgeError(res, 'PAYLOAD_TOO_LARGE');
    return;
  }
  const event = buildAlbEvent({
    req,
    url,
    body: Buffer.concat(chunks),
    targetGroupArn: edge.targetGroupArn,
    multiValueHeaders: edge.multiValueHeaders,
    listenerPort: edge.listenerPort,
  });
  let answer: ReturnType<typeof readAlbResult>;
  try {
    answer = readAlbResult(await edge.lambda(event, { awsRequestId: edge.requestId }), edge.multiValueHeaders);
  } catch {
    sendEdgeError(res, 'BAD_GATEWAY');
    return;
  }
  res.statusCode = answer.status;
  for (const [name, value] of answer.headers) res.appendHeader(name, value);
  res.setHeader('content-length', answer.body.length);
  res.end(answer.body);
}

/**
 * Proxies a WebSocket upgrade to a service target, as the ALB does for WebSockets: the upgrade request with its
 * headers, then both directions piped until either side closes. A target that answers without upgrading gets its
 * answer relayed; none reachable is the ALB's 502 or 503.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#listener-configuration
 */
export function forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string, edge: { group: TargetGroup; listenerPort: number }): void {
  const target = edge.group.pick();
  if (!target) return sendEdgeErrorOnSocket(socket, 'NO_HEALTHY_TARGET');
  const finish = edge.group.begin(target);
  const headers = { ...upstreamHeaders(req, edge.listenerPort), connection: 'Upgrade', upgrade: req.headers.upgrade ?? 'websocket' };
  const upstream = httpRequest({ protocol: target.url.protocol, hostname: target.url.hostname, port: target.url.port, method: req.method, path, headers });
  upstream.on('upgrade', (res, upstreamSocket, upstreamHead) => {
    socket.write(responseHead(res));
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    const close = (): void => {
      finish();
      socket.destroy();
      upstreamSocket.destroy();
    };
    socket.on('close', close).on('error', close);
    upstreamSocket.on('close', close).on('error', close);
  });
  upstream.on('response', (res) => {
    // Refused without an upgrade (404, 403, 503 ...): the target's answer, as it sent it.
    socket.write(responseHead(res));
    res.pipe(socket);
    res.on('end', finish);
  });
  upstream.on('error', () => {
    finish();
    sendEdgeErrorOnSocket(socket, 'BAD_GATEWAY');
  });
  upstream.end();
}

/** The status line and headers of the target's answer, as it sent them, for a socket that has no ServerResponse. */
function responseHead(res: IncomingMessage): string {
  const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
