import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from '../app/http/listen';

/**
 * The AWS Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) for handlers running in this process, so the
 * service's `@aws-sdk/client-lambda` call (GraphQL deleteItem) runs unchanged on one machine: LAMBDA_ENDPOINT points
 * the SDK here. Synchronous invocations only (RequestResponse); the qualifier is accepted as given; signatures are
 * not checked. An unknown function is a 404 ResourceNotFoundException, as Lambda answers it; a handler that throws
 * is a 200 with X-Amz-Function-Error, as Lambda reports function errors.
 */
/** A Lambda handler as the Invoke API calls it: whatever JSON the caller sent is its event. */
export type InvokedHandler = (event: any, context: { awsRequestId: string }) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface LocalLambdaApi {
  url: string;
  register(name: string, handler: InvokedHandler): void;
  invocations(): number;
  close(): Promise<void>;
}

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLocalLambdaApi(options: { port?: number; host?: string } = {}): Promise<LocalLambdaApi> {
  const handlers = new Map<string, InvokedHandler>();
  let count = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res
      .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `local-${count}`, ...headers })
      .end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const match = INVOKE.exec(url.pathname);
    if (req.method !== 'POST' || !match)
      return json(res, 404, { Type: 'User', message: 'Unknown operation' }, { 'x-amzn-errortype': 'UnknownOperationException' });
    // A name, or an ARN (…:function:<name>[:<qualifier>]).
    const raw = decodeURIComponent(match[1]!);
    const name = raw.includes(':function:') ? raw.split(':function:')[1]!.split(':')[0]! : raw.split(':')[0]!;
    const handler = handlers.get(name);
    if (!handler) {
      return json(
        res,
        404,
        { Type: 'User', message: `Function not found: arn:aws:lambda:local:000000000000:function:${raw}` },
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
      );
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    count += 1;
    let event: unknown;
    try {
      event = JSON.parse(body || '{}');
    } catch {
      return json(res, 400, { Type: 'User', message: 'Could not parse request body into json' }, { 'x-amzn-errortype': 'InvalidRequestContentException' });
    }
    const version = { 'x-amz-executed-version': url.searchParams.get('Qualifier') ?? '$LATEST' };
    try {
      json(res, 200, await handler(event, { awsRequestId: `local-invoke-${count}` }), version);
    } catch (error) {
      json(
        res,
        200,
        { errorType: (error as Error).name ?? 'Error', errorMessage: (error as Error).message ?? String(error) },
        { ...version, 'x-amz-function-error': 'Unhandled' },
      );
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch(() => json(res, 500, { Type: 'Service', message: 'local invoke failed' })));
  const { port } = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    register: (name, handler) => void handlers.set(name, handler),
    invocations: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
