import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CATALOGUE } from '../app/wire/errors';
import { OPERATIONS, type Operation } from '../app/wire/operations';

export type TargetName = 'service' | 'lambda';

export interface ListenerRule {
  name: string;
  priority: number;
  path_patterns: string[];
  /** Empty: any method. */
  http_methods: string[];
  target: TargetName;
  /** The ALB's jwt-validation action before forwarding: a valid token, holding `scope` when one is named. */
  jwt_validation: { scope: string | null } | null;
  /** A reference page: served outside production only, so the production ALB (Terraform) has no rule for it. */
  development_only: boolean;
  /** http-header conditions, all of which must match (values case-insensitive, as the ALB compares them); empty: none. */
  http_headers: { name: string; values: string[] }[];
}

/** The listener's default action: a fixed JSON 404 in the error catalogue's shape, never a forward. */
export interface FixedResponse {
  type: 'fixed-response';
  status_code: number;
  content_type: 'application/json';
  message_body: string;
}

export interface ListenerRules {
  description?: string;
  default_action: FixedResponse;
  /** WAF's block answer to a client over the rate limit (terraform/modules/alb's web ACL); the local ALB has no WAF. */
  rate_limited?: FixedResponse & { retry_after_seconds: number };
  rules: ListenerRule[];
}

/** The routing table, shared with terraform/modules/alb (which reads it with jsondecode); generated, never edited. */
export const LISTENER_RULES_FILE = join(__dirname, '..', 'terraform', 'modules', 'alb', 'listener-rules.json');

/** Priorities of the "other methods" rules: after every method rule, in the same order. */
const OTHER_METHODS_OFFSET = 1000;

const patternOf = (operation: Operation): string => operation.path.replace(/\{[a-z]+\}/gi, '*');

/**
 * The listener rules derived from the catalogue of operations (app/wire/operations.ts):
 * - rule `preflight` (priority 1) sends every OPTIONS to the service, which answers CORS preflights for every
 *   catalogued path and method, the Lambda's DELETE included; first, so no token check ever sees a preflight, which
 *   carries no token;
 * - one rule per operation, at the priority the catalogue gives it: its path pattern, its method (HEAD with GET), its
 *   target, and jwt-validation with its scope unless the operation is open;
 * - one rule per catalogued path pattern for its other methods, after every operation's rule, to the service, which
 *   answers 405 with Allow from the catalogue; it checks a token (any) unless the path has an open operation;
 * - the default action: a fixed 404, so a path the catalogue does not serve never reaches a target.
 * ALB patterns cannot say "one segment" (`*` matches `/` too): a rule may send a target more than the catalogue
 * serves, never less checked; each target then matches exactly and refuses the rest.
 */
export function buildListenerRules(operations: readonly Operation[] = OPERATIONS): ListenerRules {
  const rules: ListenerRule[] = [
    {
      name: 'preflight',
      priority: 1,
      path_patterns: ['/*'],
      http_methods: ['OPTIONS'],
      target: 'service',
      jwt_validation: null,
      development_only: false,
      http_headers: [],
    },
  ];
  const jwtFor = (auth: Operation['auth']): ListenerRule['jwt_validation'] => (auth === 'open' ? null : { scope: auth === 'token' ? null : auth });
  for (const operation of [...operations].sort((a, b) => a.priority - b.priority)) {
    rules.push({
      name: operation.id,
      priority: operation.priority,
      path_patterns: [patternOf(operation)],
      http_methods: operation.method === 'GET' ? ['GET', 'HEAD'] : [operation.method],
      target: operation.target,
      jwt_validation: jwtFor(operation.auth),
      development_only: operation.developmentOnly ?? false,
      http_headers: [],
    });
    // Its WebSocket upgrade, before it: no jwt-validation (a browser's upgrade cannot carry the token, which travels
    // inside the protocol), matched on the Upgrade header so that a plain GET still meets the rule above.
    if (operation.websocket) {
      rules.push({
        name: `${operation.id}WebSocket`,
        priority: operation.websocket.priority,
        path_patterns: [patternOf(operation)],
        http_methods: ['GET'],
        target: operation.target,
        jwt_validation: null,
        development_only: operation.developmentOnly ?? false,
        http_headers: [{ name: 'Upgrade', values: ['websocket'] }],
      });
    }
  }
  rules.sort((a, b) => a.priority - b.priority);
  const byPattern = new Map<string, Operation[]>();
  for (const operation of operations) byPattern.set(patternOf(operation), [...(byPattern.get(patternOf(operation)) ?? []), operation]);
  for (const [pattern, same] of [...byPattern].sort(([, a], [, b]) => Math.min(...a.map((o) => o.priority)) - Math.min(...b.map((o) => o.priority)))) {
    const first = same.reduce((a, b) => (a.priority <= b.priority ? a : b));
    rules.push({
      name: `${first.id}OtherMethods`,
      priority: OTHER_METHODS_OFFSET + first.priority,
      path_patterns: [pattern],
      http_methods: [],
      target: 'service',
      jwt_validation: same.some((o) => o.auth === 'open') ? null : { scope: null },
      development_only: same.every((o) => o.developmentOnly ?? false),
      http_headers: [],
    });
  }
  const notFound = ERROR_CATALOGUE.NOT_FOUND;
  const limited = ERROR_CATALOGUE.RATE_LIMITED;
  return {
    description:
      'Generated from app/wire/operations.ts by `npm run generate` (checked by `npm run generate:check`): do not edit. HTTPS listener rules of the Picus ALB, read by terraform/modules/alb (jsondecode) and by local/alb.ts, so the local ALB routes exactly as the real one. Path patterns are case-sensitive; * matches any characters including /. Rules with jwt_validation run the ALB jwt-validation action before forwarding (signature against the issuer JWKS, iss, exp, nbf, iat, and the scope claim holding the one scope named). Anything no rule matches gets the default action, a fixed 404.',
    default_action: {
      type: 'fixed-response',
      status_code: notFound.status,
      content_type: 'application/json',
      message_body: JSON.stringify({ error: notFound.message, code: 'NOT_FOUND' }),
    },
    rate_limited: {
      type: 'fixed-response',
      status_code: limited.status,
      content_type: 'application/json',
      message_body: JSON.stringify({ error: limited.message, code: 'RATE_LIMITED' }),
      retry_after_seconds: limited.retryAfterSeconds!,
    },
    rules,
  };
}

export function loadListenerRules(file = LISTENER_RULES_FILE): ListenerRules {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as ListenerRules;
  return { default_action: parsed.default_action, rules: [...parsed.rules].sort((a, b) => a.priority - b.priority) };
}

/**
 * ALB path-pattern semantics: case-sensitive, matched against the path only
 * (no query string), `*` any run of characters (`/` included), `?` one character.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
 */
export function pathPatternToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export type RouteDecision =
  { action: 'forward'; target: TargetName; rule: string; jwt?: { scope: string | null } } | { action: 'fixed-response'; response: FixedResponse };

export interface Router {
  /** What the listener does with a request: the first matching rule's forward, else the default fixed response. */
  route(method: string, path: string, headers?: Readonly<Record<string, string | string[] | undefined>>): RouteDecision;
}

/**
 * Rules in ascending priority; the first whose conditions all match wins, else the default action. Outside
 * production the reference pages' rules apply too; a production listener (Terraform's) has none.
 */
export function createRouter(rules: ListenerRules, options: { production?: boolean } = {}): Router {
  const compiled = rules.rules
    .filter((rule) => !(options.production && rule.development_only))
    .map((rule) => ({ rule, patterns: rule.path_patterns.map(pathPatternToRegExp) }));
  return {
    route(method, path, headers = {}) {
      for (const { rule, patterns } of compiled) {
        const methodOk = rule.http_methods.length === 0 || rule.http_methods.includes(method);
        const headersOk = (rule.http_headers ?? []).every(({ name, values }) => {
          const sent = headers[name.toLowerCase()];
          return typeof sent === 'string' && values.some((value) => value.toLowerCase() === sent.toLowerCase());
        });
        if (methodOk && headersOk && patterns.some((pattern) => pattern.test(path))) {
          return rule.jwt_validation
            ? { action: 'forward', target: rule.target, rule: rule.name, jwt: rule.jwt_validation }
            : { action: 'forward', target: rule.target, rule: rule.name };
        }
      }
      return { action: 'fixed-response', response: rules.default_action };
    },
  };
}
