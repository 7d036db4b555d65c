/**
 * Every REST response of the integration tier is held to openapi/picus.yaml (test/support/openapi-contract.ts):
 * fetch and supertest are wrapped here, for every test file of the tier (jest setupFilesAfterEnv), so a response
 * with an undocumented status, a missing required header or a body off its schema fails the test that got it.
 */
import supertest from 'supertest';
import { assertHoldsToContract } from './openapi-contract';

const originalFetch = globalThis.fetch;
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
  const res = await originalFetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  assertHoldsToContract({ method, url, status: res.status, header: (name) => res.headers.get(name) ?? undefined, body: await res.clone().text() });
  return res;
};

type End = (this: { method: string; url: string }, fn: (err: unknown, res: any) => void) => unknown;
const Test = (supertest as unknown as { Test: { prototype: { end: End } } }).Test;
const originalEnd = Test.prototype.end;
Test.prototype.end = function (this: { method: string; url: string }, fn) {
  return originalEnd.call(this, (err: unknown, res: any) => {
    if (!err && res) {
      try {
        assertHoldsToContract({
          method: this.method,
          url: this.url,
          status: res.status,
          header: (name) => res.headers[name.toLowerCase()],
          body: res.text ?? '',
        });
      } catch (error) {
        return fn(error, res);
      }
    }
    return fn(err, res);
  });
};
