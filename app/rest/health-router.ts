import { Router } from 'express';
import { DatabaseUnavailableError } from '../core/errors';
import type { ItemService } from '../core/items/item-service';
import { sendError } from '../http/http-errors';
import type { Lifecycle } from '../http/lifecycle';
import { HttpError } from '../wire/errors';
import { methodNotAllowed } from './method-not-allowed';

/**
 * `/health` is liveness for the ALB target group and the container health
 * check: it never touches DynamoDB, or a DynamoDB blip would cycle every task.
 * `/ready` says whether this instance can serve data right now.
 */
export function createHealthRouter(deps: { itemService: ItemService; lifecycle: Lifecycle; readyCacheMs: number }): Router {
  const router = Router({ caseSensitive: true, strict: true });
  const health = JSON.stringify({ service: 'picus-api', status: 'healthy' });

  router.get('/health', (_req, res) => {
    res.type('application/json').send(health);
  });

  // One probe at a time, its answer reused for readyCacheMs: a burst of readiness checks costs one DynamoDB read.
  let cached: { ok: boolean; at: number } | undefined;
  let inFlight: Promise<boolean> | undefined;
  const probe = async (): Promise<boolean> => {
    if (cached && Date.now() - cached.at < deps.readyCacheMs) return cached.ok;
    inFlight ??= deps.itemService
      .ping()
      .then(
        () => true,
        () => false,
      )
      .then((ok) => {
        cached = { ok, at: Date.now() };
        inFlight = undefined;
        return ok;
      });
    return inFlight;
  };

  router.get('/ready', async (_req, res) => {
    if (deps.lifecycle.draining) {
      sendError(res, new HttpError('SHUTTING_DOWN'), { status: 'draining' });
      return;
    }
    const ok = await probe();
    if (ok) res.json({ status: 'ready' });
    else sendError(res, new DatabaseUnavailableError('Database unavailable'), { status: 'unavailable' });
  });

  router.all('/health', methodNotAllowed(['GET', 'HEAD']));
  router.all('/ready', methodNotAllowed(['GET', 'HEAD']));
  return router;
}
