import type { RequestHandler } from 'express';
import { corsResponseHeaders, preflightAnswer, type CorsPolicy } from '../wire/cors-policy';
import { requestTarget } from '../wire/operations';

/**
 * The API's CORS policy (app/wire/cors-policy.ts) as Express middleware, first in the chain so every response carries it,
 * errors included. Preflights are answered here for every path, with the methods the path accepts: DELETE
 * /picus/{key} too, which the Lambda serves (the ALB sends every OPTIONS to the service).
 */
export function corsMiddleware(policy: CorsPolicy): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    const requestMethod = req.headers['access-control-request-method'];
    const preflight = preflightAnswer(policy, {
      method: req.method,
      path: requestTarget(req.url).path,
      origin,
      requestMethod: Array.isArray(requestMethod) ? requestMethod[0] : requestMethod,
    });
    if (preflight) {
      res.status(preflight.status).set(preflight.headers).end();
      return;
    }
    for (const [name, value] of Object.entries(corsResponseHeaders(policy, origin))) {
      if (name === 'Vary') res.vary(value);
      else res.setHeader(name, value);
    }
    next();
  };
}
