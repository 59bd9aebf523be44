// The host's wallboard relay against a stand-in server socket on 127.0.0.1: it connects with the
// bearer token only while someone watches, relays contract messages and drops the rest, passes a
// resync on, reports a dropped feed with since when and reconnects, renews a refused token, and
// lets go of the socket when the last watcher leaves or its lease runs out.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { WallboardRelay } from '../../../electron/host/live/wallboard-relay.js';
import type { WallboardRelayMessage } from '../../../shared/desk-api.js';
import { LIVE_WALLBOARD_PATH, type LiveServerMessage } from '../../../shared/live-protocol.js';
import { waitFor } from '../../fixtures/host/wait-for.js';

interface StandIn {
  url: string;
  /** Server-side sockets, in connection order, with the token each came with. */
  connections: Array<{ socket: WebSocket; token: string | null; received: string[]; closed: boolean }>;
  /** Answer the next upgrades with this status instead (401, say); null accepts. */
  refuseWith: number | null;
  refused: number;
  stop(): Promise<void>;
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function startStandIn(): Promise<StandIn> {
  const server = http.createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const standIn: StandIn = { url: '', connections: [], refuseWith: null, refused: 0, stop: async () => undefined };
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname !== LIVE_WALLBOARD_PATH) return socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    if (standIn.refuseWith !== null) {
      standIn.refused += 1;
      return socket.end(`HTTP/1.1 ${standIn.refuseWith} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const entry = { socket: ws, token: url.searchParams.get('token'), received: [] as string[], closed: false };
      ws.on('message', (data) => entry.received.push(String(data)));
      ws.on('close', () => {
        entry.closed = true;
      });
      standIn.connections.push(entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.stop = async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  stops.push(() => standIn.stop());
  return standIn;
}

function snapshot(seq: number): LiveServerMessage {
  return {
    type: 'snapshot',
    seq,
    at: '2026-12-01T12:00:00.000Z',
    board: { dayStart: '2026-12-01T05:00:00.000Z', calls: [], agents: [] },
    metrics: { serviceLevelSeconds: 20, serviceLevelTarget: 0.8, shortAbandonSeconds: 5 },
    thresholds: { oldestWaitSeconds: 90, serviceLevel: true, agentStateMinutes: { on_call: 20 } },
  };
}

function agentDelta(seq: number): LiveServerMessage {
  return {
    type: 'delta',
    seq,
    prevSeq: seq - 1,
    at: '2026-12-01T12:00:01.000Z',
    change: {
      kind: 'agent',
      agent: {
        id: 'demo-calltaker', displayName: 'Jordan Reyes', role: 'call_taker', skills: ['general'],
        state: 'away', stateSince: '2026-12-01T12:00:01.000Z', stateReason: 'set by Alex Kim',
      },
    },
  };
}

function startRelay(serverUrl: string, overrides: Partial<ConstructorParameters<typeof WallboardRelay>[0]> = {}) {
  const emitted: WallboardRelayMessage[] = [];
  const log = vi.fn();
  let tokens = 0;
  const relay = new WallboardRelay({
    serverUrl,
    token: async () => `token-${tokens}`,
    renewToken: async () => {
      tokens += 1;
    },
    emit: (message) => emitted.push(message),
    retryInitialMs: 20,
    retryMaxMs: 100,
    log,
    ...overrides,
  });
  stops.push(async () => relay.close());
  return { relay, emitted, log };
}

describe('wallboard relay', () => {
  it('connects only once someone watches, with the bearer token', async () => {
    const server = await startStandIn();
    const { relay } = startRelay(server.url);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections).toHaveLength(0);

    const status = relay.watch('watcher-one');
    expect(status).toMatchObject({ feed: 'connecting', downSince: null, leaseMs: 30_000 });
    const connection = await waitFor(() => server.connections[0], 'the relay to connect');
    expect(connection.token).toBe('token-0');
    await waitFor(() => relay.status().feed === 'open', 'the feed to open');
  });

  it('relays contract messages in order and drops malformed ones', async () => {
    const server = await startStandIn();
    const { relay, emitted, log } = startRelay(server.url);
    relay.watch('watcher-one');
    const connection = await waitFor(() => server.connections[0], 'the relay to connect');

    connection.socket.send(JSON.stringify(snapshot(3)));
    connection.socket.send('not json at all');
    connection.socket.send(JSON.stringify({ ...snapshot(4), board: { calls: 'none' } }));
    connection.socket.send(JSON.stringify({ type: 'delta', seq: 4, prevSeq: 3 }));
    connection.socket.send(JSON.stringify(agentDelta(4)));
    await waitFor(() => emitted.length >= 2, 'two relayed messages');
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(emitted).toEqual([snapshot(3), agentDelta(4)]);
    const warnings = log.mock.calls.filter(([level]) => level === 'warn').map(([, message]) => String(message));
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toContain('outside the contract');
  });

  it('passes a resync on, and asks for a snapshot when another watcher joins', async () => {
    const server = await startStandIn();
    const { relay } = startRelay(server.url);
    relay.watch('watcher-one');
    const connection = await waitFor(() => server.connections[0], 'the relay to connect');
    await waitFor(() => relay.status().feed === 'open', 'the feed to open');

    relay.resync();
    await waitFor(() => connection.received.length === 1, 'the resync');
    relay.watch('watcher-one'); // a renewal: nothing sent
    relay.watch('watcher-two');
    await waitFor(() => connection.received.length === 2, 'the second resync');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connection.received.map((text) => JSON.parse(text))).toEqual([{ type: 'resync' }, { type: 'resync' }]);
    expect(server.connections).toHaveLength(1);
  });

  it('reports the feed down with since when, reconnects, and relays the new snapshot', async () => {
    const server = await startStandIn();
    const at = new Date('2026-12-01T12:05:00.000Z');
    const { relay, emitted } = startRelay(server.url, { now: () => at });
    relay.watch('watcher-one');
    const first = await waitFor(() => server.connections[0], 'the relay to connect');
    await waitFor(() => relay.status().feed === 'open', 'the feed to open');

    first.socket.terminate();
    const down = await waitFor(() => emitted.find((message) => message.type === 'feed_down'), 'feed_down');
    expect(down).toMatchObject({ type: 'feed_down', since: at.toISOString() });

    const second = await waitFor(() => server.connections[1], 'the relay to reconnect');
    await waitFor(() => relay.status().feed === 'open', 'the feed to open again');
    expect(relay.status().downSince).toBeNull();
    second.socket.send(JSON.stringify(snapshot(9)));
    await waitFor(() => emitted.some((message) => message.type === 'snapshot'), 'the new snapshot');
  });

  it('says the feed is down while the server is unreachable, and keeps trying', async () => {
    const server = await startStandIn();
    const url = server.url;
    await server.stop();
    stops.splice(0);
    const { relay, emitted } = startRelay(url);
    relay.watch('watcher-one');
    await waitFor(() => emitted.filter((message) => message.type === 'feed_down').length >= 2, 'two failed attempts');
    const status = relay.status();
    expect(status.feed).toBe('down');
    expect(status.downSince).not.toBeNull();
  });

  it('signs in again when the socket is refused with 401', async () => {
    const server = await startStandIn();
    server.refuseWith = 401;
    const { relay } = startRelay(server.url);
    relay.watch('watcher-one');
    await waitFor(() => server.refused >= 1, 'a refusal');
    server.refuseWith = null;
    const connection = await waitFor(() => server.connections[0], 'the relay to connect');
    expect(connection.token).toBe(`token-${server.refused}`);
  });

  it('closes the socket when the last watcher leaves, and stays closed', async () => {
    const server = await startStandIn();
    const { relay } = startRelay(server.url);
    relay.watch('watcher-one');
    relay.watch('watcher-two');
    const connection = await waitFor(() => server.connections[0], 'the relay to connect');
    await waitFor(() => relay.status().feed === 'open', 'the feed to open');

    relay.unwatch('watcher-one');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connection.closed).toBe(false);
    relay.unwatch('watcher-two');
    await waitFor(() => connection.closed, 'the socket to close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.connections).toHaveLength(1);

    // Watching again opens a new socket.
    relay.watch('watcher-three');
    await waitFor(() => server.connections[1], 'a new connection');
  });

  it('closes the socket when a lease runs out without renewal', async () => {
    const server = await startStandIn();
    const { relay } = startRelay(server.url, { leaseMs: 200 });
    relay.watch('watcher-one');
    const connection = await waitFor(() => server.connections[0], 'the relay to connect');
    expect(relay.watching).toBe(1);
    await waitFor(() => connection.closed, 'the socket to close after the lease', 2_000);
    expect(relay.watching).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.connections).toHaveLength(1);
  });
});
