import pino from 'pino';
import type { Config } from './config';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stdout (CloudWatch reads them through awslogs).
 * Requests are logged by their route pattern, never their raw URL, headers or body,
 * so keys and payloads cannot leak into logs or forge log lines.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'environment'>, service = 'picus-api'): Logger {
  return pino({
    level: config.logLevel,
    base: { service, environment: config.environment },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // A last line of defence: if a request or event object is ever passed in, its secrets are dropped.
    redact: {
      paths: ['req.headers', 'headers', 'event', 'body', '*.headers', '*.body'],
      censor: '[redacted]',
    },
  });
}
