import WebSocket from 'ws';

export interface Change {
  kind: string;
  id: string;
  version: number | null;
}

export interface Subscribers {
  close(): void;
}

/**
 * `count` subscriptions to every item's changes, each on a WebSocket of its own, speaking graphql-transport-ws by hand
 * (thousands of graphql-ws clients would cost the load tools more than the server they measure). Resolves once
 * every one is acknowledged and its subscribe message had time to reach the server; `onChange` hears each change
 * with the subscriber's index and when it arrived (performance.now()).
 */
export async function openSubscribers(
  url: string,
  count: number,
  onChange: (change: Change, subscriber: number, at: number) => void,
  options: { authorization?: string } = {},
): Promise<Subscribers> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 1) {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const acked = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { itemChanged?: Change } } };
        if (message.type === 'connection_ack') return resolve();
        const change = message.payload?.data?.itemChanged;
        if (message.type === 'next' && change) onChange(change, i, performance.now());
      }),
    );
    socket.send(JSON.stringify({ type: 'connection_init', payload: options.authorization ? { authorization: options.authorization } : {} }));
    await acked;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { itemChanged { kind id version } }' } }));
    sockets.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { close: () => sockets.forEach((socket) => socket.terminate()) };
}
