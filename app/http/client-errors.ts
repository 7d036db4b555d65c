import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError } from '../wire/errors';
import { errorOnSocket } from './socket-answer';
import { requestTarget } from '../wire/operations';

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
    // The request line, where the parser still holds it: a HEAD answer has no body, and /graphql refuses in GraphQL's shape.
    // The method is read on its own, as a request line may be longer than what is searched for the path.
    const start = error.rawPacket?.subarray(0, 8192).toString('latin1') ?? '';
    const target = /^[A-Z]+ (\S+)[ \r]/.exec(start)?.[1];
    errorOnSocket(socket, refused, { omitBody: start.startsWith('HEAD '), graphql: target !== undefined && requestTarget(target).path === '/graphql' });
  });
}
