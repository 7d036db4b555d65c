import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../../app/rest/openapi-router';

/**
 * Holds every REST response the integration suite receives to the published contract (openapi/picus.yaml): for a
 * documented operation, the status must be documented, the headers marked required present, and a JSON body valid
 * against its schema. Installed for the whole integration tier by test/support/openapi-hooks.ts, on fetch and on
 * supertest alike, so no test can skip it; a response to an undocumented path or method is not an operation of the
 * contract and passes untouched (404/405 answers).
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
    const at = node.$ref.slice(2).split('/').map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
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

/** The problems of one response against the contract; empty when it holds (or is not a documented operation). */
export function contractProblems(res: Response): string[] {
  const { pathname } = new URL(res.url, 'http://contract.invalid');
  const method = res.method.toLowerCase() === 'head' ? 'get' : res.method.toLowerCase();
  const op = operations.find((o) => o.pattern.test(pathname) && o.ops[method]);
  if (!op) return [];
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
