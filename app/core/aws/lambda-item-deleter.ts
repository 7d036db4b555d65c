import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteUnavailableError, DomainError, ForbiddenError, itemNotFound, UnauthenticatedError, ValidationError } from '../errors';
import { SCOPES } from '../auth/access';
import type { Item } from '../items/item';
import type { ItemDeleter } from '../items/item-deleter';
import type { Config } from '../config';
import { createLambdaClient } from './lambda';

/**
 * The ItemDeleter port's adapter: deletes through the DELETE Lambda, as the original split authority (the task role
 * has no dynamodb:DeleteItem). The request is the one the ALB would send (an ALB event with the caller's
 * Authorization and trace id, and `Prefer: return=representation` so the answer carries the deleted item), invoked
 * on the alias. The Lambda client is made on the first delete, so it exists only where deletes are asked for.
 */
export function createLambdaItemDeleter(config: Pick<Config, 'deleteFunction' | 'region' | 'lambdaEndpoint'>, lambda?: LambdaClient): ItemDeleter {
  const target = config.deleteFunction;
  let client = lambda;
  return {
    async delete(id, caller) {
      if (!target) throw new DeleteUnavailableError('Deleting is not configured here (DELETE_FUNCTION_NAME)');
      client ??= createLambdaClient(config);
      const event = {
        requestContext: { elb: { targetGroupArn: 'graphql:deleteItem' } },
        httpMethod: 'DELETE',
        path: `/picus/${encodeURIComponent(id)}`,
        queryStringParameters: {},
        headers: {
          prefer: 'return=representation',
          ...(caller.authorization ? { authorization: caller.authorization } : {}),
          ...(caller.traceId ? { 'x-amzn-trace-id': caller.traceId } : {}),
        },
        body: '',
        isBase64Encoded: false,
      };
      let answer: { statusCode?: number; body?: string; headers?: Record<string, string> };
      try {
        const result = await client.send(
          new InvokeCommand({ FunctionName: target.name, Qualifier: target.qualifier, Payload: new TextEncoder().encode(JSON.stringify(event)) }),
        );
        // A function error (it threw, or timed out inside Lambda) is a 200 from the Invoke API with FunctionError set.
        if (result.FunctionError) throw new DeleteUnavailableError(undefined, { cause: new Error(`function error: ${result.FunctionError}`) });
        answer = JSON.parse(new TextDecoder().decode(result.Payload ?? new Uint8Array())) as typeof answer;
      } catch (error) {
        if (error instanceof DomainError) throw error;
        // Throttled (TooManyRequestsException), timed out, unreachable, or no such function: nothing was deleted
        // that we know of, and the caller may retry.
        throw new DeleteUnavailableError(undefined, { cause: error });
      }
      const body = safeJson(answer.body) as { item?: Item; error?: string; code?: string };
      switch (answer.statusCode) {
        case 200:
          return body.item ?? { id, data: null, version: 1 };
        case 404:
          throw itemNotFound(id);
        case 400:
          throw new ValidationError(body.error ?? 'Invalid item key');
        case 401:
          throw new UnauthenticatedError(true, body.error);
        case 403:
          throw new ForbiddenError(SCOPES.delete, body.error);
        default:
          throw new DeleteUnavailableError(undefined, { cause: new Error(`the DELETE Lambda answered ${answer.statusCode}: ${body.code ?? ''}`) });
      }
    },
  };
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '{}');
  } catch {
    return {};
  }
}
