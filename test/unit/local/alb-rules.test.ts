import { createRouter, loadListenerRules, pathPatternToRegExp } from '../../../local/alb-rules';

describe('listener rules (terraform/modules/alb/listener-rules.json)', () => {
  const rules = loadListenerRules();
  const router = createRouter(rules);

  it('keeps the original ALB table, after a first rule sending every CORS preflight to the service', () => {
    expect(rules.rules.map((r) => [r.priority, r.name, r.path_patterns, r.http_methods, r.target, r.jwt_validation])).toEqual([
      [1, 'preflight', ['/*'], ['OPTIONS'], 'service', null],
      [5, 'health', ['/health'], [], 'service', null],
      [10, 'picus_list', ['/picus/list'], ['GET'], 'service', { scope: 'picus/read' }],
      [20, 'picus_put', ['/picus/put'], ['POST'], 'service', { scope: 'picus/write' }],
      [30, 'picus_get', ['/picus/get/*'], ['GET'], 'service', { scope: 'picus/read' }],
      [35, 'picus_update', ['/picus/*'], ['PUT'], 'service', { scope: 'picus/write' }],
      [40, 'picus_delete', ['/picus/*'], ['DELETE'], 'lambda', { scope: 'picus/delete' }],
      [50, 'graphql', ['/graphql'], ['GET', 'POST'], 'service', { scope: null }],
    ]);
    expect(rules.default_target).toBe('service');
  });

  it.each([
    ['DELETE', '/picus/abc', 'lambda', 'picus_delete'],
    ['DELETE', '/picus/get/abc', 'lambda', 'picus_delete'],
    ['DELETE', '/picus/list', 'lambda', 'picus_delete'],
    ['DELETE', '/picus/', 'lambda', 'picus_delete'],
    ['DELETE', '/picus', 'service', undefined],
    ['DELETE', '/PICUS/abc', 'service', undefined],
    ['GET', '/picus/abc', 'service', undefined],
    ['GET', '/picus/list', 'service', 'picus_list'],
    ['HEAD', '/picus/list', 'service', undefined],
    ['POST', '/picus/put', 'service', 'picus_put'],
    ['GET', '/picus/get/a/b', 'service', 'picus_get'],
    ['POST', '/health', 'service', 'health'],
    ['POST', '/graphql', 'service', 'graphql'],
    ['GET', '/ready', 'service', undefined],
    ['OPTIONS', '/picus/abc', 'service', 'preflight'],
    ['OPTIONS', '/graphql', 'service', 'preflight'],
    ['OPTIONS', '/health', 'service', 'preflight'],
  ])('routes %s %s to the %s', (method, path, target, rule) => {
    const { target: routed, rule: matched } = router.route(method, path);
    expect({ target: routed, rule: matched }).toEqual({ target, rule });
  });

  it('checks a token, with the route table\'s scope, on every rule but the open ones (health, ready, preflights)', () => {
    const { API_ROUTES } = jest.requireActual('../../../app/wire/routes') as typeof import('../../../app/wire/routes');
    for (const route of API_ROUTES) {
      const { jwt } = router.route(route.method, route.path.replace('{key}', 'k1'));
      const expected = route.auth === 'open' ? undefined : { scope: route.auth === 'token' ? null : route.auth };
      expect([route.method, route.path, jwt]).toEqual([route.method, route.path, expected]);
    }
    expect(router.route('OPTIONS', '/picus/list').jwt).toBeUndefined();
  });

  it('matches path patterns as the ALB does: * spans slashes, ? is one character, the rest is literal', () => {
    expect(pathPatternToRegExp('/a/*').test('/a/b/c')).toBe(true);
    expect(pathPatternToRegExp('/a?c').test('/abc')).toBe(true);
    expect(pathPatternToRegExp('/a?c').test('/ac')).toBe(false);
    expect(pathPatternToRegExp('/a.c').test('/abc')).toBe(false);
    expect(pathPatternToRegExp('/Picus').test('/picus')).toBe(false);
  });
});
