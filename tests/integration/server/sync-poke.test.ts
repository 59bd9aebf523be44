// The poke socket on each store: a signed-in host hears about a push from another desk at once;
// a socket without a valid token is refused before the upgrade.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PokeMessageSchema, SYNC_POKE_PATH, type PokeMessage } from '../../../shared/sync-protocol.js';
import { eventually, signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { caseArgs, DeskClient } from './sync-helpers.js';

async function openPokeSocket(base: string, token: string): Promise<{ socket: WebSocket; pokes: PokeMessage[] }> {
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}${SYNC_POKE_PATH}?token=${encodeURIComponent(token)}`);
  const pokes: PokeMessage[] = [];
  socket.on('message', (data) => pokes.push(PokeMessageSchema.parse(JSON.parse(String(data)))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, pokes };
}

describe.each(storeTargets())('sync poke on $kind', (target) => {
  let test: TestServer;

  beforeAll(async () => {
    test = await startTestServer(target, { seed: { callers: 3, cases: 3 } });
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('pokes a connected host after another desk pushes, with the new head version', async () => {
    const listenerToken = await signIn(test.url, 'demo-calltaker');
    const { socket, pokes } = await openPokeSocket(test.url, listenerToken);
    try {
      // The greeting poke tells a (re)connecting host where the log stands.
      const greeting = await eventually(async () => pokes[0]);
      const pusher = new DeskClient(test.url, await signIn(test.url, 'demo-triage'));
      const [type] = await test.server.store.query<{ code: string }>('SELECT code FROM service_types WHERE active LIMIT 1');
      await pusher.push([pusher.make('createCase', caseArgs(type!.code)), pusher.make('createCase', caseArgs(type!.code))]);
      const head = (await pusher.pull(0, 1)).headVersion;
      const poke = await eventually(async () => pokes.find((p) => p.headVersion === head));
      expect(poke.headVersion).toBeGreaterThan(greeting.headVersion);
      // Commits close together share a poke: never more pokes than commits, the last one at the head.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = pokes.filter((p) => p.headVersion > greeting.headVersion);
      expect(after.length).toBeLessThanOrEqual(2);
      expect(after.at(-1)?.headVersion).toBe(head);
    } finally {
      socket.close();
    }
  });

  it('refuses a socket without a valid token', async () => {
    const statusOf = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('open', () => reject(new Error('the socket opened without a valid token')));
        socket.once('error', () => undefined);
      });
    const ws = test.url.replace(/^http/, 'ws');
    expect(await statusOf(`${ws}${SYNC_POKE_PATH}`)).toBe(401);
    expect(await statusOf(`${ws}${SYNC_POKE_PATH}?token=demo-calltaker.9999999999.${'x'.repeat(43)}`)).toBe(401);
  });
});
