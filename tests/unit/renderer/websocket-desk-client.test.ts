// The WebSocket DeskClient against a real WebSocket server playing the desk host's /desk endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import type { DeskCallMessage, SyncStatus } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import { createWebSocketDeskClient, type DeskConnectionState, type WebSocketConstructor, type WebSocketDeskClient } from '../../../renderer/desk/websocket-client.js';
import { session, syncStatus } from './fixtures.js';
import { eventually, startHarness, type Harness } from './ws-harness.js';

const isCall = (method: string) => (message: unknown) => (message as DeskCallMessage).method === method;

describe('createWebSocketDeskClient', () => {
  let harness: Harness;
  let client: WebSocketDeskClient;
  let links: DeskConnectionState[];

  beforeEach(async () => {
    harness = await startHarness('/desk');
    client = createWebSocketDeskClient(harness.url, WebSocket as unknown as WebSocketConstructor, {
      backoff: { initialMs: 20, maxMs: 50 },
      callTimeoutMs: 1_000,
    });
    links = [];
    client.onConnection((link) => links.push(link));
  });

  afterEach(async () => {
    client.close();
    await harness.close();
  });

  async function answer(host: ServerSocket, method: string, reply: (call: DeskCallMessage) => unknown): Promise<DeskCallMessage> {
    const call = (await harness.nextMessage(host, isCall(method))) as DeskCallMessage;
    host.send(JSON.stringify(reply(call)));
    return call;
  }

  it('sends numbered calls (queued until the socket opens) and resolves validated results', async () => {
    const pending = client.getSession({});
    const host = await harness.nextClient();
    const call = await answer(host, 'getSession', ({ id }) => ({ kind: 'reply', id, ok: true, value: session }));
    expect(call).toEqual({ kind: 'call', id: expect.any(Number), method: 'getSession', params: {} });
    await expect(pending).resolves.toEqual(session);
    expect(client.connection).toBe('open');
  });

  it('rejects a result that breaks the contract', async () => {
    const pending = client.getSyncStatus({});
    const host = await harness.nextClient();
    await answer(host, 'getSyncStatus', ({ id }) => ({ kind: 'reply', id, ok: true, value: { connection: 'sideways' } }));
    await expect(pending).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('getSyncStatus') });
  });

  it('rejects an error reply as a DeskFailure carrying its code', async () => {
    const pending = client.lookupCaller({ phone: '+12155550142' });
    const host = await harness.nextClient();
    const call = await answer(host, 'lookupCaller', ({ id }) => ({
      kind: 'reply', id, ok: false, error: { code: 'CACHE_CORRUPT', message: 'The local cache file is unreadable.' },
    }));
    expect(call.params).toEqual({ phone: '+12155550142' });
    const failure = await pending.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeskFailure);
    expect(failure).toMatchObject({ code: 'CACHE_CORRUPT', message: 'The local cache file is unreadable.' });
  });

  it('refuses params outside the contract without sending them', async () => {
    await expect(client.lookupCaller({ phone: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(client.setAgentState({ state: 'napping' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('dispatches contract events to listeners and drops the rest', async () => {
    const statuses: SyncStatus[] = [];
    const unsubscribe = client.on('syncStatus', (status) => statuses.push(status));
    const host = await harness.nextClient();
    host.send(JSON.stringify({ kind: 'event', event: 'syncStatus', payload: { ...syncStatus, connection: 'offline' } }));
    host.send(JSON.stringify({ kind: 'event', event: 'syncStatus', payload: { connection: 'broken' } }));
    host.send(JSON.stringify({ kind: 'event', event: 'somethingElse', payload: {} }));
    host.send(JSON.stringify({ kind: 'event', event: 'syncStatus', payload: syncStatus }));
    await eventually(() => expect(statuses).toHaveLength(2));
    expect(statuses.map((status) => status.connection)).toEqual(['offline', 'online']);

    unsubscribe();
    host.send(JSON.stringify({ kind: 'event', event: 'syncStatus', payload: syncStatus }));
    // A round trip after the event proves it was delivered (and ignored) before the reply.
    const pending = client.getSyncStatus({});
    await answer(host, 'getSyncStatus', ({ id }) => ({ kind: 'reply', id, ok: true, value: syncStatus }));
    await pending;
    expect(statuses).toHaveLength(2);
  });

  it('reconnects with backoff after the host drops, failing only the call in flight', async () => {
    const first = await harness.nextClient();
    await eventually(() => expect(client.connection).toBe('open'));
    const inFlight = client.getSession({});
    await harness.nextMessage(first, isCall('getSession'));
    first.terminate();
    await expect(inFlight).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('dropped') });

    const second = await harness.nextClient();
    const pending = client.getSession({});
    await answer(second, 'getSession', ({ id }) => ({ kind: 'reply', id, ok: true, value: session }));
    await expect(pending).resolves.toEqual(session);
    expect(links).toEqual(['open', 'closed', 'connecting', 'open']);
  });

  it('keeps retrying while the host is down and sends queued calls once it is back', async () => {
    const first = await harness.nextClient();
    await eventually(() => expect(client.connection).toBe('open'));
    first.terminate();
    await eventually(() => expect(links).toContain('closed'));
    const queued = client.getVoiceToken({});
    const second = await harness.nextClient();
    await answer(second, 'getVoiceToken', ({ id }) => ({
      kind: 'reply', id, ok: true, value: { identity: 'demo-calltaker', token: 't', expiresAt: '2025-06-01T13:00:00Z' },
    }));
    await expect(queued).resolves.toMatchObject({ token: 't' });
  });

  it('gives up on a call the host never answers', async () => {
    await harness.nextClient();
    await expect(client.syncNow({})).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('did not answer') });
  });

  it('rejects waiting calls when closed', async () => {
    const pending = client.getSession({});
    client.close();
    await expect(pending).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(client.getSession({})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
