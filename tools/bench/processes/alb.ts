/**
 * Bench process: the local ALB with the built Lambda bundle (dist/lambda/handler.js)
 * as its DELETE target, invoked in-process as in `npm start`, and the service
 * (SERVICE_URL) as its default target.
 */
import { join } from 'node:path';
import { startLocalAlb, type LambdaTarget } from '../../../local/alb';
import { loadListenerRules } from '../../../local/alb-rules';
import { startLocalLambdaApi } from '../../../local/lambda-api';

async function main(): Promise<void> {
  // The same file Lambda runs, loaded at run time rather than bundled into this one.
  const bundle = join(process.cwd(), 'dist', 'lambda', 'handler.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built file, chosen at run time
  const { handler } = require(bundle) as { handler: LambdaTarget };
  // Bundled into dist/bench, so the rules file is found from the working directory (the project root).
  const rules = loadListenerRules(join(process.cwd(), 'terraform', 'modules', 'alb', 'listener-rules.json'));
  const alb = await startLocalAlb({ lambda: handler, rules, healthCheck: { intervalMs: 5000 } }, 0);
  // The same handler on the Lambda Invoke API, for the service's GraphQL deleteItem (LAMBDA_PORT, fixed by the bench).
  const lambdaApi = await startLocalLambdaApi({ port: Number(process.env.LAMBDA_PORT) });
  lambdaApi.register('picus-bench-delete', handler);
  alb.registerTarget(process.env.SERVICE_URL!);
  await alb.waitFor(process.env.SERVICE_URL!, 'healthy');
  process.send!({ ready: true, url: alb.url });
}

void main();

// Gone with the benchmark that started it, even if that one crashed.
process.on('disconnect', () => process.exit(0));
