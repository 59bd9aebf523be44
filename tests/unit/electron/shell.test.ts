// The main process's side of the shell: notifications only from the app's own page and within
// limits, the resume event sent to the window, and the question before a live call is dropped.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { checkShellNotification } from '../../../electron/preload/channels.js';
import { confirmUnloadDuringCall, handleNotifyMessage, installShell } from '../../../electron/main/shell.js';
import type { AppPages } from '../../../electron/main/config.js';

vi.mock('electron', () => ({}));

const pages: AppPages = { rendererFileUrl: 'file:///app/out/renderer/index.html', devServerOrigin: null };
const fromApp = { senderFrame: { url: 'file:///app/out/renderer/index.html', parent: null } };
const fromElsewhere = { senderFrame: { url: 'https://evil.example.org/', parent: null } };

describe('notifications from the page', () => {
  it('shows a well-formed notification from the app page only', () => {
    const showNotification = vi.fn();
    expect(handleNotifyMessage(fromApp, { title: 'Missed call', body: 'hung up' }, { pages, showNotification })).toBe(true);
    expect(handleNotifyMessage(fromElsewhere, { title: 'Missed call', body: 'hung up' }, { pages, showNotification })).toBe(false);
    expect(handleNotifyMessage({ senderFrame: { ...fromApp.senderFrame, parent: {} } }, { title: 'x', body: 'y' }, { pages, showNotification })).toBe(false);
    expect(handleNotifyMessage(fromApp, { title: '', body: 'empty title' }, { pages, showNotification })).toBe(false);
    expect(showNotification.mock.calls).toEqual([[{ title: 'Missed call', body: 'hung up' }]]);
  });

  it('checks shape and limits', () => {
    expect(checkShellNotification({ title: 'a', body: '' })).toEqual({ title: 'a', body: '' });
    expect(checkShellNotification({ title: 'a'.repeat(121), body: '' })).toBeNull();
    expect(checkShellNotification({ title: 'a', body: 'b'.repeat(501) })).toBeNull();
    expect(checkShellNotification({ title: 1, body: 'b' })).toBeNull();
    expect(checkShellNotification(null)).toBeNull();
    expect(checkShellNotification({ title: 'a', body: 'b', extra: 'dropped' })).toEqual({ title: 'a', body: 'b' });
  });
});

describe('installShell', () => {
  it('tells the window of a resume or unlock, handles notify, and removes everything again', () => {
    const ipcMain = new EventEmitter();
    const powerMonitor = new EventEmitter();
    const sent: string[] = [];
    const showNotification = vi.fn();
    const remove = installShell({
      pages,
      ipcMain: ipcMain as never,
      powerMonitor: powerMonitor as never,
      showNotification,
      currentWindow: () => ({ webContents: { isDestroyed: () => false, send: (channel: string) => sent.push(channel) } }),
    });
    powerMonitor.emit('resume');
    powerMonitor.emit('unlock-screen');
    ipcMain.emit('shell:notify', fromApp, { title: 'Incoming call', body: 'x' });
    expect(sent).toEqual(['shell:resumed', 'shell:resumed']);
    expect(showNotification).toHaveBeenCalledTimes(1);
    remove();
    powerMonitor.emit('resume');
    ipcMain.emit('shell:notify', fromApp, { title: 'Incoming call', body: 'x' });
    expect(sent).toHaveLength(2);
    expect(showNotification).toHaveBeenCalledTimes(1);
  });
});

describe('confirmUnloadDuringCall', () => {
  it('lets the page go only when the agent chooses to drop the call', () => {
    const stay = { preventDefault: vi.fn() };
    expect(confirmUnloadDuringCall(stay, () => 0)).toBe(false);
    expect(stay.preventDefault).not.toHaveBeenCalled();
    const leave = { preventDefault: vi.fn() };
    const ask = vi.fn(() => 1);
    expect(confirmUnloadDuringCall(leave, ask)).toBe(true);
    expect(leave.preventDefault).toHaveBeenCalledTimes(1);
    expect(ask).toHaveBeenCalledWith(expect.objectContaining({ buttons: ['Stay on the call', 'Leave and drop the call'] }));
  });
});
