// The cache passphrase prompt, for Linux without a keyring: a small window on its own built page
// (renderer/passphrase.html, under the same CSP as the main window) whose preload sends the typed
// passphrase on one channel; the main process checks the sender before taking it.
import { BrowserWindow, ipcMain, type IpcMainEvent } from 'electron';
import { pathToFileURL } from 'node:url';
import { CACHE_PASSPHRASE_CHANNEL, checkPassphraseSubmission } from '../preload/passphrase-channel.js';
import type { AskPassphrase, PassphraseRequest } from './cache-key.js';
import type { AppPages } from './config.js';
import { isTrustedSender } from './ipc.js';
import { mainLog } from './log.js';

export type PassphrasePrompt = {
  ask: AskPassphrase;
  /** Closes the window, if one was opened; call once the main window is up. */
  close(): void;
};

export type PassphrasePromptOptions = {
  /** The built out/renderer/passphrase.html. */
  pageFile: string;
  /** The built out/preload/passphrase.cjs. */
  preloadPath: string;
  /** electron-vite's dev server, which serves the page in development. */
  devServerUrl: string | null;
};

export function createPassphrasePrompt(options: PassphrasePromptOptions): PassphrasePrompt {
  const pages: AppPages = {
    rendererFileUrl: pathToFileURL(options.pageFile).toString(),
    devServerOrigin: options.devServerUrl ? new URL(options.devServerUrl).origin : null,
  };
  let window: BrowserWindow | null = null;
  let pending: ((passphrase: string | null) => void) | null = null;
  const settle = (passphrase: string | null) => {
    const resolve = pending;
    pending = null;
    resolve?.(passphrase);
  };

  const onSubmit = (event: IpcMainEvent, value: unknown) => {
    if (!window || event.sender !== window.webContents || !isTrustedSender(event, pages)) {
      mainLog('warn', `refused a cache passphrase from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return;
    }
    const passphrase = checkPassphraseSubmission(value);
    if (passphrase !== null) settle(passphrase);
  };
  ipcMain.on(CACHE_PASSPHRASE_CHANNEL, onSubmit);

  const open = (): BrowserWindow => {
    const created = new BrowserWindow({
      width: 460,
      height: 360,
      resizable: false,
      minimizable: false,
      maximizable: false,
      title: 'Frontdesk311',
      show: false,
      autoHideMenuBar: true,
      backgroundColor: '#f3f5f8',
      webPreferences: {
        preload: options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    created.once('ready-to-show', () => created.show());
    // Closing the prompt is giving up: the app cannot open its cache without the passphrase.
    created.on('closed', () => {
      window = null;
      settle(null);
    });
    window = created;
    return created;
  };

  const load = (target: BrowserWindow, request: PassphraseRequest): Promise<void> => {
    const query = { mode: request.mode, ...(request.error ? { error: request.error.message } : {}) };
    if (options.devServerUrl) {
      const url = new URL('passphrase.html', options.devServerUrl);
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      return target.loadURL(url.toString());
    }
    return target.loadFile(options.pageFile, { query });
  };

  return {
    ask(request) {
      settle(null);
      const answer = new Promise<string | null>((resolve) => {
        pending = resolve;
      });
      const target = window ?? open();
      load(target, request).catch((error: unknown) => {
        mainLog('error', 'the cache passphrase prompt failed to load', error);
        settle(null);
      });
      return answer;
    },
    close() {
      ipcMain.removeListener(CACHE_PASSPHRASE_CHANNEL, onSubmit);
      const target = window;
      window = null;
      target?.destroy();
    },
  };
}
