// Closing the server does not wait on its clients: a connection holding half a request, which
// Fastify's close would wait on until Node's header timeout, is cut after the grace period, and
// the close finishes.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLOSE_GRACE_MS } from '../../../server/app.js';
import { startTestServer, storeTargets } from './helpers.js';

function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

const closed = (socket: net.Socket): Promise<void> => new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe('server shutdown', () => {
  it(`cuts a connection stuck mid-request after ${CLOSE_GRACE_MS} ms and finishes closing`, async () => {
    const [pglite] = storeTargets();
    const test = await startTestServer(pglite!, { seed: { callers: 5, cases: 5 } });
    const stuck = await connect(test.url);
    stuck.on('error', () => undefined);
    // Headers never finished: to Node this request is in progress, so the connection is not idle.
    stuck.write('POST /sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n');
    const idle = await connect(test.url);
    idle.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    await test.dispose();
    await Promise.all([closed(stuck), closed(idle)]);
    // Cut by the deadline, not by a client giving up: the close took at least the grace period.
    expect(Date.now() - started).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 50);
    expect(stuck.destroyed && idle.destroyed).toBe(true);
  }, 30_000);
});
