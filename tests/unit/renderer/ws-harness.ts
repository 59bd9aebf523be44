// A real WebSocket server on 127.0.0.1 (port 0) for the renderer's socket tests: it hands each
// client connection to the test and queues what the client sends until the test takes it.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';

export type Harness = {
  url: string;
  /** Resolves with the next client connection (or one that arrived before anyone asked). */
  nextClient(): Promise<ServerSocket>;
  /** Takes the next not-yet-taken message from the client that satisfies `match`. */
  nextMessage(client: ServerSocket, match?: (message: unknown) => boolean): Promise<unknown>;
  close(): Promise<void>;
};

type MessageWaiter = { match: (message: unknown) => boolean; resolve: (message: unknown) => void };

export async function startHarness(path: string): Promise<Harness> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const unclaimedClients: ServerSocket[] = [];
  const clientWaiters: Array<(client: ServerSocket) => void> = [];
  const untaken = new Map<ServerSocket, unknown[]>();
  const messageWaiters = new Map<ServerSocket, MessageWaiter[]>();

  server.on('connection', (client) => {
    untaken.set(client, []);
    messageWaiters.set(client, []);
    client.on('message', (data) => {
      const message: unknown = JSON.parse(String(data));
      const waiters = messageWaiters.get(client) ?? [];
      const waiter = waiters.find((candidate) => candidate.match(message));
      if (waiter) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      } else {
        untaken.get(client)?.push(message);
      }
    });
    const waiter = clientWaiters.shift();
    if (waiter) waiter(client);
    else unclaimedClients.push(client);
  });

  return {
    url: `ws://127.0.0.1:${port}${path}`,
    nextClient() {
      const ready = unclaimedClients.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => clientWaiters.push(resolve));
    },
    nextMessage(client, match = () => true) {
      const queue = untaken.get(client) ?? [];
      const index = queue.findIndex(match);
      if (index >= 0) return Promise.resolve(queue.splice(index, 1)[0]);
      return new Promise((resolve) => messageWaiters.get(client)?.push({ match, resolve }));
    },
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits until `check` stops throwing and does not return false, for state that settles later. */
export async function eventually(check: () => unknown, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('condition not met in time');
  while (Date.now() < deadline) {
    try {
      if (check() !== false) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw lastError;
}
