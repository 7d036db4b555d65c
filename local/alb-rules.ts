import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
}

export interface ListenerRules {
  default_target: TargetName;
  rules: ListenerRule[];
}

/** The one routing table, shared with terraform/modules/alb (which reads it with jsondecode). */
const LISTENER_RULES_FILE = join(__dirname, '..', 'terraform', 'modules', 'alb', 'listener-rules.json');

export function loadListenerRules(file = LISTENER_RULES_FILE): ListenerRules {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as ListenerRules;
  return { default_target: parsed.default_target, rules: [...parsed.rules].sort((a, b) => a.priority - b.priority) };
}

/**
 * ALB path-pattern semantics: case-sensitive, matched against the path only
 * (no query string), `*` any run of characters (`/` included), `?` one character.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
 */
export function pathPatternToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export interface Router {
  /** Which target a request goes to, and the rule that matched (undefined: the default action). */
  route(method: string, path: string): { target: TargetName; rule?: string; jwt?: { scope: string | null } };
}

/** Rules in ascending priority; the first whose conditions all match wins, else the default action. */
export function createRouter(rules: ListenerRules): Router {
  const compiled = rules.rules.map((rule) => ({ rule, patterns: rule.path_patterns.map(pathPatternToRegExp) }));
  return {
    route(method, path) {
      for (const { rule, patterns } of compiled) {
        const methodOk = rule.http_methods.length === 0 || rule.http_methods.includes(method);
        if (methodOk && patterns.some((pattern) => pattern.test(path))) {
          return rule.jwt_validation ? { target: rule.target, rule: rule.name, jwt: rule.jwt_validation } : { target: rule.target, rule: rule.name };
        }
      }
      return { target: rules.default_target };
    },
  };
}
