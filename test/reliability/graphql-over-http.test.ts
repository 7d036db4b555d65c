/**
 * The GraphQL endpoint against the GraphQL-over-HTTP spec, using the audit
 * suite of `graphql-http` (the spec's reference implementation): every MUST
 * passes; SHOULD and MAY results are reported, not enforced.
 */
import { serverAudits } from 'graphql-http';
import { startService, type RunningService } from '../../app/start-service';
import { startTestCore, type TestCore } from '../support/test-core';

let t: TestCore;
let service: RunningService;
beforeAll(async () => {
  t = await startTestCore();
  service = await startService(t.core, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await service.shutdown();
  await t.close();
});

const audits = serverAudits({ url: () => `${service.url}/graphql`, fetchFn: fetch });

describe('GraphQL over HTTP (graphql-http audit)', () => {
  it.each(audits.filter((audit) => audit.name.startsWith('MUST')).map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect({ status: result.status, reason: result.status === 'ok' ? undefined : result.reason }).toEqual({ status: 'ok', reason: undefined });
  });

  /**
   * The SHOULD and MAY audits Apollo Server 5 does not pass, by its choices we keep (docs/reliability.md):
   * CSRF prevention wants a preflight header on GET, and parse, validation and variable errors are 400
   * whatever the `Accept`. Any other miss is a regression.
   */
  const KNOWN_MISSES = [
    'MAY accept application/x-www-form-urlencoded formatted GET requests',
    'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
    'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
    'SHOULD use 200 status code on document parsing failure when accepting application/json',
    'SHOULD use 200 status code on document validation failure when accepting application/json',
    'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
  ];

  it('reports the SHOULD and MAY audits, and misses none but the known ones', async () => {
    const others = audits.filter((audit) => !audit.name.startsWith('MUST'));
    const results = await Promise.all(others.map(async (audit) => ({ ...(await audit.fn()), name: audit.name })));
    const notOk = results.filter((r) => r.status !== 'ok');
    process.stdout.write(
      `graphql-http: ${results.length - notOk.length}/${results.length} SHOULD/MAY ok; not ok: ${notOk.map((r) => `${r.name} (${'reason' in r ? r.reason : ''})`).join('; ')}\n`,
    );
    expect(results.length).toBeGreaterThan(0);
    expect(notOk.map((r) => r.name).filter((name) => !KNOWN_MISSES.includes(name))).toEqual([]);
  });
});
