// The Electron-side DeskClient wrapper: plain {code, message} rejections from the preload become
// DeskFailures, and results and events are held to the contract like on the WebSocket.
import { describe, expect, it, vi } from 'vitest';
import type { DeskClient } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import { wrapBridgedDeskClient } from '../../../renderer/desk/bridge-client.js';
import { createFakeDesk } from './fake-desk.js';
import { agent, session, syncStatus, voiceToken } from './fixtures.js';

function fakeBridge(overrides: Partial<DeskClient> = {}) {
  let forward: ((payload: unknown) => void) | null = null;
  const bridge: DeskClient = {
    ...createFakeDesk().desk,
    getSession: vi.fn(async () => session),
    lookupCaller: vi.fn(async () => Promise.reject({ code: 'NOT_FOUND', message: 'no such caller' })),
    getSyncStatus: vi.fn(async () => ({ nonsense: true }) as never),
    syncNow: vi.fn(async () => syncStatus),
    setAgentState: vi.fn(async () => agent),
    getVoiceToken: vi.fn(async () => voiceToken),
    on: vi.fn((_event, listener) => {
      forward = listener as (payload: unknown) => void;
      return () => undefined;
    }),
    ...overrides,
  };
  return { bridge, emit: (payload: unknown) => forward?.(payload) };
}

describe('wrapBridgedDeskClient', () => {
  it('passes valid results through', async () => {
    const desk = wrapBridgedDeskClient(fakeBridge().bridge);
    await expect(desk.getSession({})).resolves.toEqual(session);
  });

  it('turns a plain error object into a DeskFailure with its code', async () => {
    const desk = wrapBridgedDeskClient(fakeBridge().bridge);
    const failure = await desk.lookupCaller({ phone: '+12155550142' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeskFailure);
    expect(failure).toMatchObject({ code: 'NOT_FOUND', message: 'no such caller' });
  });

  it('refuses results and params outside the contract', async () => {
    const { bridge } = fakeBridge();
    const desk = wrapBridgedDeskClient(bridge);
    await expect(desk.getSyncStatus({})).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(desk.lookupCaller({ phone: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(bridge.lookupCaller).not.toHaveBeenCalled();
  });

  it('delivers only valid event payloads', () => {
    const { bridge, emit } = fakeBridge();
    const desk = wrapBridgedDeskClient(bridge);
    const seen: unknown[] = [];
    desk.on('syncStatus', (status) => seen.push(status));
    emit({ connection: 'nowhere' });
    emit(syncStatus);
    expect(seen).toEqual([syncStatus]);
  });
});
