import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError } from '../wire/errors';
import { errorOnSocket } from './socket-answer';

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
    const refused = error.code === 'HPE_HEADER_OVERFLOW' ? new HttpError('HEADERS_TOO_LARGE') : new HttpError('VALIDATION_FAILED', 'Malformed HTTP request');
    errorOnSocket(socket, refused, { omitBody: error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ' });
  });
}
