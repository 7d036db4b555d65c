import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildListenerRules, createRouter, loadListenerRules, pathPatternToRegExp } from '../../../local/alb-rules';
import { OPERATIONS, type Operation } from '../../../app/wire/operations';

describe('listener rules (terraform/modules/alb/listener-rules.json)', () => {
  const rules = loadListenerRules();
  const router = createRouter(rules);
  const production = createRouter(rules, { production: true });
  const sample = (path: string) => path.replace(/\{[a-z]+\}/g, 'k1');

  it('are the ones the catalogue of operations derives (npm run generate wrote them; generate:check holds them)', () => {
    const built = buildListenerRules();
    expect(rules.rules).toEqual([...built.rules].sort((a, b) => a.priority - b.priority));
    expect(rules.default_action).toEqual(built.default_action);
  });

  it("answer anything no rule matches with a fixed JSON 404 in the error catalogue's shape, never a forward", () => {
    expect(rules.default_action).toEqual({
      type: 'fixed-response',
      status_code: 404,
      content_type: 'application/json',
      message_body: '{"error":"Not found","code":"NOT_FOUND"}',
    });
    for (const path of ['/', '/picus', '/graphql/', '/graphql/x', '/PICUS/list', '/health/', '/admin', '/docs/']) {
      expect([path, router.route('GET', path).action]).toEqual([path, 'fixed-response']);
    }
  });

  it('forward a WebSocket upgrade of /graphql on a rule of its own without jwt-validation, and only an upgrade', () => {
    const upgrade = rules.rules.find((rule) => rule.name === 'graphqlGetWebSocket')!;
    expect(upgrade).toMatchObject({
      path_patterns: ['/graphql'],
      http_methods: ['GET'],
      jwt_validation: null,
      http_headers: [{ name: 'Upgrade', values: ['websocket'] }],
    });
    expect(upgrade.priority).toBeLessThan(rules.rules.find((rule) => rule.name === 'graphqlGet')!.priority);
    expect(router.route('GET', '/graphql', { upgrade: 'websocket' })).toEqual({ action: 'forward', target: 'service', rule: 'graphqlGetWebSocket' });
    expect(router.route('GET', '/graphql', { upgrade: 'WebSocket' })).toMatchObject({ rule: 'graphqlGetWebSocket' });
    // A plain GET, or another Upgrade, still meets the token check; an upgrade of another path meets that path's rules.
    expect(router.route('GET', '/graphql')).toMatchObject({ rule: 'graphqlGet', jwt: { scope: null } });
    expect(router.route('GET', '/graphql', { upgrade: 'h2c' })).toMatchObject({ rule: 'graphqlGet', jwt: { scope: null } });
    expect(router.route('GET', '/picus/list', { upgrade: 'websocket' })).toMatchObject({ rule: 'listItems', jwt: { scope: 'picus/read' } });
    expect(rules.rules.filter((rule) => rule.http_headers.length > 0).map((rule) => rule.name)).toEqual(['graphqlGetWebSocket']);
  });

  it('give every rule a unique priority, the preflight rule first', () => {
    const priorities = rules.rules.map((r) => r.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(rules.rules[0]).toMatchObject({ name: 'preflight', priority: 1, http_methods: ['OPTIONS'], jwt_validation: null });
  });

  it.each([
    ['DELETE', '/picus/abc', 'lambda', 'deleteItem'],
    ['DELETE', '/picus/get/abc', 'lambda', 'deleteItem'],
    ['DELETE', '/picus/list', 'lambda', 'deleteItem'],
    ['GET', '/picus/list', 'service', 'listItems'],
    ['HEAD', '/picus/list', 'service', 'listItems'],
    ['POST', '/picus/put', 'service', 'createItem'],
    ['GET', '/picus/get/a/b', 'service', 'getItem'],
    ['PUT', '/picus/list', 'service', 'replaceItem'],
    ['POST', '/health', 'service', 'healthOtherMethods'],
    ['GET', '/picus/abc', 'service', 'replaceItemOtherMethods'],
    ['POST', '/graphql', 'service', 'graphqlPost'],
    ['GET', '/graphql', 'service', 'graphqlGet'],
    ['GET', '/ready', 'service', 'ready'],
    ['OPTIONS', '/picus/abc', 'service', 'preflight'],
    ['OPTIONS', '/nowhere', 'service', 'preflight'],
  ])('route %s %s to the %s (rule %s)', (method, path, target, rule) => {
    expect(router.route(method, path)).toMatchObject({ action: 'forward', target, rule });
  });

  it("check a token, with the catalogue's scope, on every operation but the open ones", () => {
    for (const operation of OPERATIONS as readonly Operation[]) {
      const decision = router.route(operation.method, sample(operation.path));
      const expected = operation.auth === 'open' ? undefined : { scope: operation.auth === 'token' ? null : operation.auth };
      expect([operation.id, decision.action === 'forward' ? decision.jwt : 'refused']).toEqual([operation.id, expected]);
    }
  });

  it('send other methods on a protected path to the service (its 405) only with a valid token', () => {
    expect(router.route('PATCH', '/picus/list')).toMatchObject({ action: 'forward', jwt: { scope: null } });
    expect(router.route('DELETE', '/graphql')).toMatchObject({ action: 'forward', jwt: { scope: null } });
    expect(router.route('POST', '/health')).toMatchObject({ action: 'forward', target: 'service' });
    expect(router.route('POST', '/health')).not.toHaveProperty('jwt');
  });

  it('have no rule for the reference pages on a production listener', () => {
    expect(router.route('GET', '/docs')).toMatchObject({ action: 'forward', rule: 'referencePage' });
    expect(production.route('GET', '/docs').action).toBe('fixed-response');
    expect(production.route('GET', '/docs/assets/swagger-ui.css').action).toBe('fixed-response');
  });

  it('match path patterns as the ALB does: * spans slashes, ? is one character, the rest is literal', () => {
    expect(pathPatternToRegExp('/a/*').test('/a/b/c')).toBe(true);
    expect(pathPatternToRegExp('/a?c').test('/abc')).toBe(true);
    expect(pathPatternToRegExp('/a?c').test('/ac')).toBe(false);
    expect(pathPatternToRegExp('/a.c').test('/abc')).toBe(false);
    expect(pathPatternToRegExp('/Picus').test('/picus')).toBe(false);
  });

  it('move each rule of the hand-written table to its operation at the same priority, so an existing listener updates in place', () => {
    const main = readFileSync(join(__dirname, '..', '..', '..', 'terraform', 'modules', 'alb', 'main.tf'), 'utf8');
    const moves = Object.fromEntries(
      [...main.matchAll(/from\s*=\s*aws_lb_listener_rule\.this\["([^"]+)"\]\s*to\s*=\s*aws_lb_listener_rule\.this\["([^"]+)"\]/g)].map((m) => [m[1], m[2]]),
    );
    // The priorities the table had before the catalogue (listener-rules.json at 3a3a5b7).
    const before = { picus_list: 10, picus_put: 20, picus_get: 30, picus_update: 35, picus_delete: 40, graphql: 50 };
    expect(Object.keys(moves).sort()).toEqual(Object.keys(before).sort());
    for (const [from, priority] of Object.entries(before)) expect([from, rules.rules.find((r) => r.name === moves[from])?.priority]).toEqual([from, priority]);
  });
});
