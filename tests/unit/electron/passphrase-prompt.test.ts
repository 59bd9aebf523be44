// The cache passphrase prompt's main side, with Electron faked: the window loads the built page
// with the request in its query, a passphrase is taken only from that window's own page, and
// closing the window is giving up.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CACHE_PASSPHRASE_CHANNEL } from '../../../electron/preload/passphrase-channel.js';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, (event: unknown, value: unknown) => void>();
  const windows: Array<{ webContents: object; options: unknown; loadFile: ReturnType<typeof vi.fn>; emit(name: string): boolean }> = [];
  return {
    listeners,
    windows,
    ipcMain: {
      on: vi.fn((channel: string, listener: (event: unknown, value: unknown) => void) => listeners.set(channel, listener)),
      removeListener: vi.fn((channel: string) => listeners.delete(channel)),
    },
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class BrowserWindow extends Emitter {
    webContents = {};
    loadFile = vi.fn(async () => undefined);
    loadURL = vi.fn(async () => undefined);
    show = vi.fn();
    destroy = vi.fn(() => this.emit('closed'));
    constructor(readonly options: unknown) {
      super();
      electron.windows.push(this as never);
    }
  }
  return { BrowserWindow, ipcMain: electron.ipcMain };
});

const { createPassphrasePrompt } = await import('../../../electron/main/passphrase-prompt.js');

const pageFile = '/opt/Frontdesk311/resources/app.asar/out/renderer/passphrase.html';
const pageUrl = `file://${pageFile}`;
const submit = (sender: object, url: string, value: unknown, parent: unknown = null) =>
  electron.listeners.get(CACHE_PASSPHRASE_CHANNEL)?.({ sender, senderFrame: { url: `${url}?mode=unlock`, parent } }, value);

beforeEach(() => {
  electron.windows.splice(0);
  electron.listeners.clear();
});

describe('passphrase prompt', () => {
  it('loads the page with the request, takes the passphrase from its own window only', async () => {
    const prompt = createPassphrasePrompt({ pageFile, preloadPath: '/out/preload/passphrase.cjs', devServerUrl: null });
    const answer = prompt.ask({ mode: 'unlock', error: { code: 'CACHE_KEY_INVALID', message: 'Wrong passphrase.' } });
    const [window] = electron.windows;
    expect(window?.loadFile).toHaveBeenCalledWith(pageFile, { query: { mode: 'unlock', error: 'Wrong passphrase.' } });
    expect(window?.options).toMatchObject({ webPreferences: { preload: '/out/preload/passphrase.cjs', sandbox: true, contextIsolation: true, nodeIntegration: false } });

    const settled = vi.fn();
    void answer.then(settled);
    submit({}, pageUrl, 'from another window');
    submit(window!.webContents, 'file:///tmp/evil.html', 'from another page');
    submit(window!.webContents, pageUrl, 'from a subframe', {});
    submit(window!.webContents, pageUrl, '');
    await Promise.resolve();
    expect(settled).not.toHaveBeenCalled();

    submit(window!.webContents, pageUrl, 'correct horse battery staple');
    expect(await answer).toBe('correct horse battery staple');

    prompt.close();
    expect(electron.listeners.has(CACHE_PASSPHRASE_CHANNEL)).toBe(false);
  });

  it('answers null when the agent closes the window', async () => {
    const prompt = createPassphrasePrompt({ pageFile, preloadPath: '/out/preload/passphrase.cjs', devServerUrl: null });
    const answer = prompt.ask({ mode: 'create', error: null });
    (electron.windows[0] as unknown as EventEmitter).emit('closed');
    expect(await answer).toBeNull();
    prompt.close();
  });
});
