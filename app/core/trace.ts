/**
 * The `Root` of an X-Amzn-Trace-Id header (`Root=1-67891233-abcdef012345678912345678;Parent=...`):
 * the id that follows one request across the ALB, the service and the Lambda.
 * Anything else in the header is ignored, so nothing unsafe reaches a log line.
 */
const TRACE_ROOT = /(?:^|;)\s*Root=([A-Za-z0-9-]{1,64})/;

export function traceRootOf(header: string | string[] | undefined | null): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' ? TRACE_ROOT.exec(value)?.[1] : undefined;
}
