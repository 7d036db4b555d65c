import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ALBEvent, ALBResult, APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import serverless from 'serverless-http';
import { SCOPES } from '../app/core/auth/access';
import { authorize, type Principal, type TokenVerifier } from '../app/core/auth/token-verifier';
import type { ItemService } from '../app/core/items/item-service';
import type { Logger } from '../app/core/logger';
import { traceRootOf } from '../app/core/trace';
import { bearerCredentials } from '../app/wire/auth';
import { corsResponseHeaders, preflightAnswer, type CorsPolicy } from '../app/wire/cors-policy';
import { duplicateAuthorizationError, HttpError, logFailure, malformedPathError, toErrorResponse } from '../app/wire/errors';
import { createResolver, requestTarget } from '../app/wire/operations';

export interface DeleteHandlerDeps {
  itemService: ItemService;
  logger: Logger;
  /** The API's CORS policy (app/wire/cors-policy.ts), the service's own: both targets behind the ALB answer alike. Default: none. */
  cors?: CorsPolicy;
  /** Verifies the caller's bearer token (scope picus/delete); undefined: authentication off. */
  tokenVerifier?: TokenVerifier;
  /** Production serves no reference pages: only what the catalogue serves there resolves. */
  production?: boolean;
}

/** The event shapes we accept: ALB (single or multi-value), API Gateway REST (v1) and HTTP API (v2). */
export type HttpEvent = ALBEvent | APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** What we answer: the ALB's shape, which API Gateway (v1 and v2) reads too. */
export type HttpResult = ALBResult & { isBase64Encoded: boolean; body: string };

export type DeleteHandler = (event: HttpEvent, context?: Partial<Context>) => Promise<HttpResult>;

type LambdaRequest = IncomingMessage & { apiGateway?: { event: HttpEvent; context: Partial<Context> } };

/**
 * DELETE /picus/{key} as a Lambda. A minimal node:http handler inside
 * serverless-http, which converts ALB and API Gateway events to requests and
 * responses back; this file adds what serverless-http leaves out (the ALB's
 * `statusDescription`) and imports nothing but app/core and app/wire.
 *
 * @example
 * export const handler = createHandler({ itemService: core.itemService, logger: core.logger });
 */
export function createHandler(deps: DeleteHandlerDeps): DeleteHandler {
  const { itemService, logger, tokenVerifier } = deps;
  const cors = deps.cors ?? { origins: [] };
  const resolver = createResolver({ production: deps.production ?? false });

  // Every answer carries the CORS headers (set on the response first), errors included, so a browser frontend can
  // read why a DELETE failed.
  const respond = (res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  // The catalogue's answer (app/wire/errors.ts), as the service gives it. The original's clients read `detail`;
  // everyone else reads `error` and `code`. A failure of ours keeps the original's message.
  const fail = (res: ServerResponse, error: unknown, log: Logger): void => {
    const answer = toErrorResponse(error);
    logFailure(log, error, answer);
    const message = answer.internal || answer.body.code === 'DATABASE_UNAVAILABLE' ? 'Failed to delete item from database' : answer.body.error;
    respond(res, answer.status, { error: message, detail: message, code: answer.body.code }, answer.headers);
  };

  const deleteItem = async (req: LambdaRequest, res: ServerResponse): Promise<void> => {
    const event = req.apiGateway?.event ?? ({} as HttpEvent);
    const context = req.apiGateway?.context ?? {};
    const log = logger.child({ requestId: context.awsRequestId, traceId: traceIdOf(event) });
    let key: string | undefined;
    let principal: Principal | undefined;
    const origin = headerOf(event, 'origin');
    for (const [name, value] of Object.entries(corsResponseHeaders(cors, origin))) res.setHeader(name, value);
    try {
      // Only the catalogued DELETE is served here (app/wire/operations.ts), matched on the raw path of whatever event
      // shape arrived: anything else is a 404, or a 405 on a path whose DELETE this is, before any token or data. The
      // path is resolved as a DELETE whatever the method, since that is the one operation this function serves.
      const path = rawPathOf(event, req.url ?? '/');
      const method = req.method ?? '';
      const found = resolver.resolve('DELETE', path);
      const ours = (found.kind === 'operation' || found.kind === 'malformed') && found.operation.target === 'lambda';
      const preflight = preflightAnswer(cors, { method, path, origin, requestMethod: headerOf(event, 'access-control-request-method') });
      if (preflight && ours) {
        res.removeHeader('Access-Control-Expose-Headers');
        res.writeHead(preflight.status, preflight.headers);
        res.end();
        return;
      }
      if (!ours) throw new HttpError('NOT_FOUND');
      if (method !== 'DELETE') throw new HttpError('METHOD_NOT_ALLOWED', `Method ${method} not allowed; use DELETE`, { Allow: 'DELETE' });
      if (found.kind !== 'operation') throw malformedPathError();
      key = found.params.key!;
      // The edge checks tokens too, but not on every path here (an HTTP listener, API Gateway, a direct invoke).
      if (tokenVerifier) {
        if (multipleAuthorization(event)) throw duplicateAuthorizationError();
        principal = await authorize(tokenVerifier, bearerCredentials(headerOf(event, 'authorization')), SCOPES.delete);
      }
      const deleted = await itemService.delete(key, { by: principal?.sub });
      // Prefer: return=representation (RFC 7240): the deleted item too, as GraphQL's deleteItem needs it.
      if (/\breturn=representation\b/.test(headerOf(event, 'prefer') ?? '')) {
        respond(res, 200, { message: `Item '${key}' deleted successfully`, item: deleted }, { 'Preference-Applied': 'return=representation' });
      } else {
        respond(res, 200, { message: `Item '${key}' deleted successfully` });
      }
    } catch (error) {
      fail(res, error, log);
    } finally {
      log.info(
        { method: req.method, route: '/picus/{key}', status: res.statusCode, ...(principal ? { sub: principal.sub, clientId: principal.clientId } : {}) },
        'request',
      );
    }
  };

  const wrapped = serverless(deleteItem, { provider: 'aws' });

  return async (event, context = {}) => {
    const result = (await wrapped(event, context)) as HttpResult;
    // The ALB requires a status description and string header values; serverless-http sets neither reliably.
    if (isAlbEvent(event)) result.statusDescription = `${result.statusCode} ${STATUS_CODES[result.statusCode] ?? ''}`.trim();
    result.isBase64Encoded = Boolean(result.isBase64Encoded);
    return result;
  };
}

/**
 * The raw request path as the client sent it: the ALB's and API Gateway REST's `path`, the HTTP API's `rawPath`
 * (never the decoded `pathParameters`, which would let an encoded slash or a second segment through).
 */
function rawPathOf(event: HttpEvent, url: string): string {
  if ('rawPath' in event && typeof event.rawPath === 'string') return event.rawPath;
  if ('path' in event && typeof event.path === 'string') return event.path;
  return requestTarget(url).path;
}

/** Two Authorization headers, where the event shape can show them (multi-value ALB and API Gateway REST events). */
function multipleAuthorization(event: HttpEvent): boolean {
  if (!('multiValueHeaders' in event) || !event.multiValueHeaders) return false;
  return Object.entries(event.multiValueHeaders).some(([name, values]) => name.toLowerCase() === 'authorization' && (values?.length ?? 0) > 1);
}

/**
 * A request header straight from the event: serverless-http 4.0.0 drops request headers of multi-value ALB
 * events. The ALB and HTTP APIs send lower-case names; REST APIs (v1) keep the client's case.
 */
function headerOf(event: HttpEvent, name: string): string | undefined {
  const find = <T>(headers: Record<string, T | undefined> | null | undefined): T | undefined => {
    if (!headers) return undefined;
    if (name in headers) return headers[name];
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : headers[key];
  };
  return find(event.headers) ?? ('multiValueHeaders' in event ? find(event.multiValueHeaders)?.[0] : undefined);
}

function isAlbEvent(event: HttpEvent | undefined): event is ALBEvent {
  return Boolean(event?.requestContext && 'elb' in event.requestContext);
}

function traceIdOf(event: HttpEvent): string | undefined {
  return traceRootOf(headerOf(event, 'x-amzn-trace-id'));
}
