import pino from 'pino';
import type { Config } from './config';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stdout (CloudWatch reads them through awslogs).
 * Requests are logged by their route pattern, never their raw URL, headers or body,
 * so keys and payloads cannot leak into logs or forge log lines.
 *
 * Lines are written synchronously, one write(2) each, as Node itself writes to
 * a stdout pipe on Linux. pino's default hands every line to the libuv thread
 * pool instead, which cost a GET about 35 µs of main-thread CPU plus a thread
 * wake-up (docs/benchmarks.md); and a Lambda's lines are all written before
 * its response returns, so none waits in a queue while the function is frozen.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'environment'>, service = 'picus-api', output: { pretty?: boolean } = {}): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service, environment: config.environment },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // A last line of defence: if a request or event object is ever passed in, its secrets are dropped.
    redact: {
      paths: ['req.headers', 'headers', 'event', 'body', '*.headers', '*.body'],
      censor: '[redacted]',
    },
  };
  // `npm start` in a terminal: readable lines (pino-pretty, a devDependency, in pino's worker thread). JSON
  // everywhere else, production included.
  if (output.pretty) {
    return pino(
      options,
      pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,environment' } }),
    );
  }
  return pino(options, pino.destination({ dest: 1, sync: true }));
}
