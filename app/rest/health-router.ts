import type { Request, Response } from 'express';
import { DatabaseUnavailableError } from '../core/errors';
import type { ItemService } from '../core/items/item-service';
import { sendError } from '../http/http-errors';
import type { OperationHandlers } from '../http/operations';
import type { Lifecycle } from '../http/lifecycle';
import { HttpError } from '../wire/errors';

/**
 * `/health` is liveness for the ALB target group and the container health
 * check: it never touches DynamoDB, or a DynamoDB blip would cycle every task.
 * `/ready` says whether this instance can serve data right now.
 */
export function healthHandlers(deps: { itemService: ItemService; lifecycle: Lifecycle; readyCacheMs: number }): OperationHandlers {
  const body = JSON.stringify({ service: 'picus-api', status: 'healthy' });
  const health = (_req: Request, res: Response): void => {
    res.type('application/json').send(body);
  };

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

  const ready = async (_req: Request, res: Response): Promise<void> => {
    if (deps.lifecycle.draining) {
      sendError(res, new HttpError('SHUTTING_DOWN'), { status: 'draining' });
      return;
    }
    const ok = await probe();
    if (ok) res.json({ status: 'ready' });
    else sendError(res, new DatabaseUnavailableError('Database unavailable'), { status: 'unavailable' });
  };

  return { health, ready };
}
