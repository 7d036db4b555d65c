import { connect } from 'node:net';
import { startLocalStack, type LocalStack } from '../support/local-stack';

/**
 * Requests Node's HTTP parser refuses (headers over 16 KiB), at the service and at the local ALB: the catalogue's JSON
 * error, in GraphQL's shape for /graphql (every refusal there is) and in the REST shape elsewhere, no body for HEAD.
 */
describe("requests Node's parser refuses", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(() => stack.close());

  const raw = (base: string, method: string, path: string) =>
    new Promise<{ status: string; body: string }>((resolve) => {
      const url = new URL(base);
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      );
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve({ status: data.split('\r\n')[0]!, body: data.split('\r\n\r\n')[1] ?? '' }));
    });

  it.each(['alb', 'service'] as const)('answers headers over 16 KiB with 431 HEADERS_TOO_LARGE, in the shape of the path asked for (%s)', async (where) => {
    const base = where === 'alb' ? stack.alb.url : stack.service.url;
    const graphql = await raw(base, 'POST', '/graphql');
    expect(graphql.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(graphql.body)).toEqual({ errors: [{ message: 'Request line or headers are too large', extensions: { code: 'HEADERS_TOO_LARGE' } }] });
    const rest = await raw(base, 'GET', '/picus/list');
    expect(JSON.parse(rest.body)).toEqual({ error: 'Request line or headers are too large', code: 'HEADERS_TOO_LARGE' });
    expect((await raw(base, 'HEAD', '/picus/list')).body).toBe('');
    // A request line too long for the parser: still a HEAD, still no body.
    const long = await raw(base, 'HEAD', `/picus/${'%C3%A9'.repeat(4000)}`);
    expect([long.status.slice(0, 12), long.body]).toEqual(['HTTP/1.1 431', '']);
  });
});
