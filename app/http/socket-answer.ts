import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { graphqlErrorBody, HttpError, toErrorResponse } from '../wire/errors';

/**
 * A whole HTTP/1.1 answer written on a raw socket, which is then closed: where no ServerResponse exists (a request
 * Node's parser refused, an upgrade turned down before any WebSocket). `omitBody` for a HEAD request: its answer has
 * no body, or the client would read it as the next response.
 */
export function answerOnSocket(
  socket: Duplex,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: { omitBody?: boolean } = {},
): void {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' }))
    lines.push(`${name}: ${value}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${options.omitBody ? '' : body}`);
}

/**
 * An error of the catalogue on a raw socket, in the JSON shape and with the headers every other answer of it has;
 * `graphql`: in the GraphQL-over-HTTP shape, as every refusal of /graphql is.
 */
export function errorOnSocket(
  socket: Duplex,
  error: HttpError,
  options: { omitBody?: boolean; graphql?: boolean; headers?: Readonly<Record<string, string>> } = {},
): void {
  const answer = toErrorResponse(error);
  const body = JSON.stringify(options.graphql ? graphqlErrorBody(answer.body) : answer.body);
  answerOnSocket(socket, answer.status, { 'Content-Type': 'application/json', ...answer.headers, ...options.headers }, body, options);
}
