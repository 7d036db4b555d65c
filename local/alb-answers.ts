import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
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
  // The catalogue's status; the message is the reason phrase, as the real ALB's page says.
  const { status } = ERROR_CATALOGUE[code];
  const answer = toErrorResponse(new HttpError(code, STATUS_CODES[status], code === 'UNAUTHENTICATED' ? { 'WWW-Authenticate': 'Bearer' } : {}));
  const body = JSON.stringify(answer.body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), server: 'awselb/2.0', ...answer.headers });
  res.end(body);
}

/** A rule's (or the default action's) fixed-response action: the configured status and body, nothing forwarded. */
export function sendFixed(req: IncomingMessage, res: ServerResponse, fixed: FixedResponse): void {
  req.resume();
  res.writeHead(fixed.status_code, { 'content-type': fixed.content_type, 'content-length': Buffer.byteLength(fixed.message_body), server: 'awselb/2.0' });
  res.end(req.method === 'HEAD' ? undefined : fixed.message_body);
}
