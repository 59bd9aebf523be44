// The main side of the desk IPC: only the app's own top frame is answered, params are validated
// before the host sees them, results before the page does, and events are checked on the way out.
import { describe, expect, it, vi } from 'vitest';
import { DESK_METHOD_NAMES, type DeskMethodName, type DeskReplyMessage } from '../../../shared/desk-api.js';
import { session } from '../renderer/fixtures.js';

const electron = vi.hoisted(() => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));
vi.mock('electron', () => electron);

const { createDeskIpcHandler, forwardDeskEvent, isTrustedSender, registerDeskIpc } = await import('../../../electron/main/ipc.js');

const filePages = { rendererFileUrl: 'file:///opt/Frontdesk311/resources/app.asar/out/renderer/index.html', devServerOrigin: null };
const devPages = { rendererFileUrl: 'file:///repo/out/renderer/index.html', devServerOrigin: 'http://localhost:5173' };
const ownFrame = { senderFrame: { url: `${filePages.rendererFileUrl}#/call`, parent: null } };

function fakeHost(reply: (method: DeskMethodName, params: unknown) => DeskReplyMessage) {
  return { call: vi.fn(async (method: DeskMethodName, params: unknown) => reply(method, params)) };
}

describe('sender check', () => {
  it('trusts the built page and the dev server, as a top frame only', () => {
    expect(isTrustedSender(ownFrame, filePages)).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: 'http://localhost:5173/', parent: null } }, devPages)).toBe(true);
  });

  it.each([
    ['another file', { url: 'file:///tmp/evil.html', parent: null }, filePages],
    ['a web page', { url: 'https://example.org/', parent: null }, filePages],
    ['a subframe of the app', { url: filePages.rendererFileUrl, parent: {} }, filePages],
    ['another dev origin', { url: 'http://localhost:5174/', parent: null }, devPages],
    ['the built file while the dev server is in use', { url: devPages.rendererFileUrl, parent: null }, devPages],
    ['a destroyed frame', null, filePages],
  ])('refuses %s', (_label, senderFrame, pages) => {
    expect(isTrustedSender({ senderFrame }, pages)).toBe(false);
  });
});

describe('desk IPC handlers', () => {
  it('refuses a stranger before the host hears of it', async () => {
    const host = fakeHost(() => ({ kind: 'reply', id: 1, ok: true, value: session }));
    const handler = createDeskIpcHandler('getSession', { pages: filePages, host });
    const reply = await handler({ senderFrame: { url: 'https://example.org/', parent: null } }, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(host.call).not.toHaveBeenCalled();
  });

  it('validates params against the contract', async () => {
    const host = fakeHost(() => ({ kind: 'reply', id: 1, ok: true, value: null }));
    const lookup = createDeskIpcHandler('lookupCaller', { pages: filePages, host });
    await expect(lookup(ownFrame, { phone: '' })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await expect(lookup(ownFrame, { phone: '+12155550142', sql: 'DROP TABLE' })).resolves.toMatchObject({ ok: false });
    const setState = createDeskIpcHandler('setAgentState', { pages: filePages, host });
    await expect(setState(ownFrame, { state: 'asleep' })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(host.call).not.toHaveBeenCalled();
  });

  it('forwards valid calls and returns validated results', async () => {
    const host = fakeHost(() => ({ kind: 'reply', id: 1, ok: true, value: session }));
    const handler = createDeskIpcHandler('getSession', { pages: filePages, host });
    await expect(handler(ownFrame, {})).resolves.toEqual({ ok: true, value: session });
    expect(host.call).toHaveBeenCalledWith('getSession', {});
  });

  it('passes host errors through and refuses results outside the contract', async () => {
    const failing = fakeHost(() => ({ kind: 'reply', id: 1, ok: false, error: { code: 'CACHE_CORRUPT', message: 'unreadable' } }));
    await expect(createDeskIpcHandler('getSyncStatus', { pages: filePages, host: failing })(ownFrame, {})).resolves.toEqual({
      ok: false,
      error: { code: 'CACHE_CORRUPT', message: 'unreadable' },
    });
    const broken = fakeHost(() => ({ kind: 'reply', id: 1, ok: true, value: { connection: 'sideways' } }));
    await expect(createDeskIpcHandler('getSyncStatus', { pages: filePages, host: broken })(ownFrame, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it('registers one handler per method and removes them again', () => {
    const dispose = registerDeskIpc({ pages: filePages, host: fakeHost(() => ({ kind: 'reply', id: 1, ok: true, value: null })) });
    expect(electron.ipcMain.handle.mock.calls.map(([channel]) => channel)).toEqual(DESK_METHOD_NAMES.map((method) => `desk:${method}`));
    dispose();
    expect(electron.ipcMain.removeHandler.mock.calls.map(([channel]) => channel)).toEqual(DESK_METHOD_NAMES.map((method) => `desk:${method}`));
  });

  it('forwards only contract events with valid payloads', () => {
    const window = { send: vi.fn() };
    expect(forwardDeskEvent(window, { kind: 'event', event: 'agentChanged', payload: session.agent })).toBe(true);
    expect(forwardDeskEvent(window, { kind: 'event', event: 'agentChanged', payload: { id: 'x' } })).toBe(false);
    expect(forwardDeskEvent(window, { kind: 'event', event: 'shutdown', payload: {} })).toBe(false);
    expect(window.send.mock.calls).toEqual([['desk-event:agentChanged', session.agent]]);
  });
});
