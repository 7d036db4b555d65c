import type { ServerResponse } from 'node:http';

/**
 * Shared between the HTTP server and the routes. Once draining, readiness
 * fails and every response not yet started says `Connection: close`, so
 * keep-alive clients (the ALB) move to another task instead of reusing a
 * socket that is about to close.
 */
export interface Lifecycle {
  readonly draining: boolean;
  /** Remembers a response until it finishes. */
  track(res: ServerResponse): void;
  startDraining(): void;
}

export function createLifecycle(): Lifecycle {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const markClose = (res: ServerResponse): void => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  return {
    get draining() {
      return draining;
    },
    track(res) {
      if (draining) {
        markClose(res);
        return;
      }
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    },
    startDraining() {
      draining = true;
      inFlight.forEach(markClose);
      inFlight.clear();
    },
  };
}
