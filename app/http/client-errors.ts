import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError, toErrorResponse } from '../wire/errors';

/**
 * Requests Node's HTTP parser rejects before any route sees them (a request
 * line or headers over 16 KiB, malformed framing) get the same JSON error
 * shape as everything else, instead of Node's bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, body: answer } = toErrorResponse(
      error.code === 'HPE_HEADER_OVERFLOW' ? new HttpError('HEADERS_TOO_LARGE') : new HttpError('VALIDATION_FAILED', 'Malformed HTTP request'),
    );
    const body = JSON.stringify(answer);
    // A HEAD response has no body, or the client would read it as the next response.
    const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  });
}
