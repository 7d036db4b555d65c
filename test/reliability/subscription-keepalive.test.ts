import WebSocket from 'ws';
import { SUBSCRIPTION_LIMITS } from '../../app/graphql/subscriptions';
import { startLocalStack, type LocalStack } from '../support/local-stack';

/**
 * An idle subscription must outlive the ALB's idle timeout (60 s, terraform/modules/alb idle_timeout): the service
 * pings every SUBSCRIPTION_LIMITS.keepAliveMs, and each ping is traffic the ALB counts. Through the local ALB, over
 * 35 s of silence from the client, at least two pings arrive, each within the interval, and the socket stays open.
 */
describe('subscription keep-alive', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(() => stack.close());

  it(`pings an idle subscriber every ${SUBSCRIPTION_LIMITS.keepAliveMs / 1000} s, well inside the ALB's 60 s idle timeout`, async () => {
    expect(SUBSCRIPTION_LIMITS.keepAliveMs).toBeLessThanOrEqual(30_000);
    const socket = new WebSocket(`${stack.alb.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const pings: number[] = [];
    const opened = Date.now();
    socket.on('ping', () => pings.push(Date.now()));
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await new Promise((resolve) => setTimeout(resolve, 2 * SUBSCRIPTION_LIMITS.keepAliveMs + 5_000));
    expect(pings.length).toBeGreaterThanOrEqual(2);
    const gaps = pings.map((at, i) => at - (i === 0 ? opened : pings[i - 1]!));
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(SUBSCRIPTION_LIMITS.keepAliveMs + 2_000);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  }, 60_000);
});
