import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../../app/rest/openapi-router';
import { createResolver } from '../../app/wire/operations';

/**
 * Holds every REST response the integration suite receives to the published contract (openapi/picus.yaml): for a
 * documented operation, the status must be documented, the headers marked required present, and a JSON body valid
 * against its schema. Installed for the whole integration tier by test/support/openapi-hooks.ts, on fetch and on
 * supertest alike, so no test can skip it. A catalogued operation the REST contract does not describe (GraphQL, the
 * documents, the reference pages: app/wire/operations.ts) passes untouched; any other path or method must be refused,
 * with a 4xx or 5xx in the Error shape: deny by default, held on every response the tier sees.
 */
interface Response {
  method: string;
  /** Path and query, or a full URL. */
  url: string;
  status: number;
  header(name: string): string | undefined;
  body: string;
}

type Json = Record<string, any>;
const spec = parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'picus');

const operations = Object.entries(spec.paths as Json).map(([template, ops]) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  ops: ops as Json,
}));

const pointer = (path: string[]) => path.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const resolve = (node: Json): { node: Json; at: string[] | undefined } => {
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    const at = node.$ref
      .slice(2)
      .split('/')
      .map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    return { node: at.reduce((n: Json, key: string) => n[key], spec), at };
  }
  return { node, at: undefined };
};
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
const validatorAt = (path: string[]) => {
  const key = pointer(path);
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = ajv.compile({ $ref: `picus#/${key}` })));
  return validate;
};

const catalogue = createResolver({ production: false });

/** An answer to a request the contract has no operation for: a refusal (4xx/5xx), its body the Error shape when JSON. */
function refusalProblems(res: Response, pathname: string): string[] {
  const where = `${res.method} ${pathname} -> ${res.status} (no operation of the contract)`;
  if (res.status < 400) return [`${where}: a request the contract does not describe was not refused`];
  if (!(res.header('content-type') ?? '').startsWith('application/json') || res.method.toUpperCase() === 'HEAD') return [];
  const validate = validatorAt(['components', 'schemas', 'Error']);
  try {
    return validate(JSON.parse(res.body)) ? [] : [`${where}: ${ajv.errorsText(validate.errors)} in ${res.body.slice(0, 200)}`];
  } catch {
    return [`${where}: the body is not JSON: ${res.body.slice(0, 100)}`];
  }
}

/** The problems of one response against the contract; empty when it holds. */
export function contractProblems(res: Response): string[] {
  const { pathname } = new URL(res.url, 'http://contract.invalid');
  const method = res.method.toLowerCase() === 'head' ? 'get' : res.method.toLowerCase();
  const op = operations.find((o) => o.pattern.test(pathname) && o.ops[method]);
  if (!op) {
    // Only this API's answers: the service marks every one with X-Request-Id, the ALB its own with its Server header;
    // the tier also calls the local issuer and the Lambda Invoke API, which speak other protocols.
    const ours = res.header('x-request-id') !== undefined || res.header('server') === 'awselb/2.0';
    if (method === 'options' || !ours) return [];
    const found = catalogue.resolve(res.method.toUpperCase(), pathname);
    return found.kind === 'operation' && !found.operation.openapi ? [] : refusalProblems(res, pathname);
  }
  const where = `${res.method} ${pathname} -> ${res.status}`;
  const responses = op.ops[method].responses as Json;
  const entry = responses[String(res.status)];
  if (!entry) return [`${where}: status ${res.status} is not documented for ${res.method.toUpperCase()} ${op.template}`];
  const resolved = resolve(entry);
  const base = resolved.at ?? ['paths', op.template, method, 'responses', String(res.status)];
  const problems: string[] = [];
  for (const [name, header] of Object.entries((resolved.node.headers ?? {}) as Json)) {
    if (resolve(header).node.required && res.header(name) === undefined) problems.push(`${where}: header ${name} is required`);
  }
  const media = resolved.node.content?.['application/json'];
  if (media?.schema && res.method.toUpperCase() !== 'HEAD' && res.status !== 304) {
    const contentType = res.header('content-type') ?? '';
    if (!contentType.startsWith('application/json')) return [...problems, `${where}: content-type ${contentType} is not application/json`];
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return [...problems, `${where}: the body is not JSON: ${res.body.slice(0, 100)}`];
    }
    const validate = validatorAt([...base, 'content', 'application/json', 'schema']);
    if (!validate(body)) problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${res.body.slice(0, 200)}`);
  }
  return problems;
}

let exempt = 0;
/**
 * Runs `work` with the contract check off: only for tests of the local ALB's own machinery with stand-in Lambdas,
 * whose answers are the stand-ins', not this API's.
 */
export async function withoutContract<T>(work: () => Promise<T>): Promise<T> {
  exempt += 1;
  try {
    return await work();
  } finally {
    exempt -= 1;
  }
}

export function assertHoldsToContract(res: Response): void {
  if (exempt > 0) return;
  const problems = contractProblems(res);
  if (problems.length > 0) throw new Error(`the response breaks openapi/picus.yaml:\n  ${problems.join('\n  ')}`);
}
