import { requestIdFrom } from '../../../app/http/request-context';

describe('requestIdFrom', () => {
  it('takes the Root of an ALB trace header', () => {
    expect(requestIdFrom('Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1')).toBe('1-67891233-abcdef012345678912345678');
    expect(requestIdFrom('Self=1-6789-abc;Root=1-6789-def')).toBe('1-6789-def');
  });

  it('generates an id when the header is absent or unsafe to log', () => {
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x\ny')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
