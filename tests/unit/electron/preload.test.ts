// The preload's `window.desk`: one function per DeskApi method, each invoking only its own
// channel; `on` subscribes to contract events only and never hands out the IPC event.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DESK_EVENT_NAMES, DESK_METHOD_NAMES, type DeskClient } from '../../../shared/desk-api.js';
import type { DeskShell } from '../../../electron/preload/channels.js';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn() },
}));
vi.mock('electron', () => electron);

let desk: DeskClient;
let shell: DeskShell;

beforeAll(async () => {
  await import('../../../electron/preload/index.js');
  const exposed = Object.fromEntries(electron.contextBridge.exposeInMainWorld.mock.calls as Array<[string, unknown]>);
  expect(Object.keys(exposed).sort()).toEqual(['desk', 'deskShell']);
  desk = exposed.desk as DeskClient;
  shell = exposed.deskShell as DeskShell;
});

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
  electron.ipcRenderer.on.mockReset();
  electron.ipcRenderer.removeListener.mockReset();
  electron.ipcRenderer.send.mockReset();
});

describe('preload bridge', () => {
  it('exposes exactly one function per method plus on()', () => {
    expect(Object.keys(desk).sort()).toEqual([...DESK_METHOD_NAMES, 'on'].sort());
    for (const key of Object.keys(desk)) expect(typeof (desk as Record<string, unknown>)[key]).toBe('function');
    expect(desk).not.toHaveProperty('invoke');
    expect(desk).not.toHaveProperty('ipcRenderer');
  });

  it.each(DESK_METHOD_NAMES)('%s invokes only desk:%s and unwraps the value', async (method) => {
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, value: { answer: method } });
    const params = method === 'lookupCaller' ? { phone: '+12155550142' } : {};
    const call = desk[method] as (p: unknown) => Promise<unknown>;
    await expect(call(params)).resolves.toEqual({ answer: method });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(`desk:${method}`, params);
  });

  it('rejects with the plain {code, message} of a failed reply', async () => {
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: false, error: { code: 'NOT_FOUND', message: 'gone' } });
    await expect(desk.lookupCaller({ phone: '+12155550142' })).rejects.toEqual({ code: 'NOT_FOUND', message: 'gone' });
  });

  it.each(DESK_EVENT_NAMES)('subscribes to desk-event:%s, passes only the payload, and unsubscribes', (event) => {
    const listener = vi.fn();
    const unsubscribe = desk.on(event, listener);
    expect(electron.ipcRenderer.on).toHaveBeenCalledWith(`desk-event:${event}`, expect.any(Function));
    const forward = electron.ipcRenderer.on.mock.calls[0]?.[1] as (ipcEvent: unknown, payload: unknown) => void;
    forward({ sender: 'the ipcRenderer itself' }, { payload: true });
    expect(listener).toHaveBeenCalledWith({ payload: true });
    expect(listener.mock.calls[0]).toHaveLength(1);
    unsubscribe();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(`desk-event:${event}`, forward);
  });

  it('refuses unknown events without touching IPC', () => {
    expect(() => desk.on('desk:getSession' as never, vi.fn())).toThrow(/unknown event/);
    expect(() => desk.on('__proto__' as never, vi.fn())).toThrow(/unknown event/);
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });
});

describe('preload shell bridge', () => {
  it('exposes only onResumed and notify', () => {
    expect(Object.keys(shell).sort()).toEqual(['notify', 'onResumed']);
  });

  it('forwards the resume event without the IPC event, and unsubscribes', () => {
    const listener = vi.fn();
    const off = shell.onResumed(listener);
    expect(electron.ipcRenderer.on).toHaveBeenCalledWith('shell:resumed', expect.any(Function));
    const forward = electron.ipcRenderer.on.mock.calls[0]?.[1] as (ipcEvent: unknown, payload?: unknown) => void;
    forward({ sender: 'the ipcRenderer itself' }, 'anything');
    expect(listener).toHaveBeenCalledWith();
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('shell:resumed', forward);
  });

  it('sends only the title and body of a notification', () => {
    shell.notify({ title: 'Missed call', body: '+1 215 555 0142', icon: 'file:///etc/passwd' } as never);
    expect(electron.ipcRenderer.send).toHaveBeenCalledWith('shell:notify', { title: 'Missed call', body: '+1 215 555 0142' });
  });
});
