/** Shared between the HTTP server and the routes: once draining, readiness fails and connections are not kept alive. */
export interface Lifecycle {
  draining: boolean;
}

export function createLifecycle(): Lifecycle {
  return { draining: false };
}
