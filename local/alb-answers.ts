import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerOnSocket, errorOnSocket } from '../app/http/socket-answer';
import { ERROR_CATALOGUE, HttpError, toErrorResponse, type EdgeErrorCode } from '../app/wire/errors';
import type { FixedResponse } from './alb-rules';

/**
 * The ALB's own answers (no target saw the request). The real ALB sends an HTML page for its errors; locally they
 * keep the JSON error shape of the catalogue, which clients parse. No CORS headers can be configured on them
 * (docs/api.md, "Calling from a browser").
 */
export function sendEdgeError(res: ServerResponse, code: EdgeErrorCode): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = toErrorResponse(edgeError(code));
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...SERVER, ...answer.headers });
  res.end(body);
}

/** The same answer on the raw socket of a WebSocket upgrade, which has no ServerResponse. */
export function sendEdgeErrorOnSocket(socket: Duplex, code: EdgeErrorCode): void {
  errorOnSocket(socket, edgeError(code), { headers: SERVER });
}

/** A rule's (or the default action's) fixed-response action: the configured status and body, nothing forwarded. */
export function sendFixed(req: IncomingMessage, res: ServerResponse, fixed: FixedResponse): void {
  req.resume();
  res.writeHead(fixed.status_code, { 'content-type': fixed.content_type, 'content-length': Buffer.byteLength(fixed.message_body), ...SERVER });
  res.end(req.method === 'HEAD' ? undefined : fixed.message_body);
}

/** The same fixed response on the raw socket of a WebSocket upgrade. */
export function sendFixedOnSocket(socket: Duplex, fixed: FixedResponse): void {
  answerOnSocket(socket, fixed.status_code, { 'Content-Type': fixed.content_type, ...SERVER }, fixed.message_body);
}

const SERVER = { server: 'awselb/2.0' } as const;

/** The catalogue's code and status; the message is the reason phrase, as the real ALB's page says. */
function edgeError(code: EdgeErrorCode): HttpError {
  return new HttpError(code, STATUS_CODES[ERROR_CATALOGUE[code].status], code === 'UNAUTHENTICATED' ? { 'WWW-Authenticate': 'Bearer' } : {});
}
