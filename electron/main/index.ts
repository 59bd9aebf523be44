// Electron's main process: app lifecycle, one locked-down window, the desk host in a utility
// process, and the IPC that carries DeskApi between them. Thin: the work is in the host.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, powerMonitor, safeStorage, session } from 'electron';
import { toDeskError } from '../../shared/errors.js';
import { obtainCacheKey } from './cache-key.js';
import { resolveDesktopConfig } from './config.js';
import { buildContentSecurityPolicy } from '../../build/csp.js';
import { startDeskHostProcess, type DeskHostProcess } from './host-process.js';
import { createPassphrasePrompt } from './passphrase-prompt.js';
import { forwardDeskEvent, registerDeskIpc } from './ipc.js';
import { mainLog } from './log.js';
import { installSessionSecurity } from './security.js';
import { confirmUnloadDuringCall, installShell } from './shell.js';
import { createWindow, lockDownWebContents } from './window.js';

const config = resolveDesktopConfig({
  env: process.env,
  isPackaged: app.isPackaged,
  appPath: app.getAppPath(),
  userDataPath: app.getPath('userData'),
  mainDir: import.meta.dirname,
  exists: existsSync,
});

let host: DeskHostProcess | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;

// Every renderer is sandboxed, including any the app did not mean to create.
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));

async function openWindow(): Promise<void> {
  const window = await createWindow(config);
  mainWindow = window;
  window.webContents.on('will-prevent-unload', (event) => {
    confirmUnloadDuringCall(event, (question) =>
      dialog.showMessageBoxSync(window, { type: 'warning', ...question, defaultId: 0, cancelId: 0, noLink: true }));
  });
  window.on('closed', () => {
    mainWindow = null;
  });
}

async function start(): Promise<void> {
  installSessionSecurity(
    session.defaultSession,
    config.pages,
    buildContentSecurityPolicy({ connectOrigins: [config.host.serverUrl], devServerOrigin: config.pages.devServerOrigin }),
  );
  const cacheKey = await unlockCache();
  if (!cacheKey) return;
  host = startDeskHostProcess(config.hostEntry, config.host, cacheKey.key);
  host.channel.onLifecycle((message) => {
    if (message.kind === 'start-failed' && message.error.code === 'CACHE_KEY_INVALID') {
      dialog.showErrorBox('Frontdesk311 cannot open its local cache', message.error.message);
    }
  });
  host.channel.onEvent((message) => {
    const contents = mainWindow?.webContents;
    if (contents && !contents.isDestroyed()) forwardDeskEvent(contents, message);
  });
  registerDeskIpc({ pages: config.pages, host: host.channel });
  installShell({
    pages: config.pages,
    ipcMain,
    powerMonitor,
    currentWindow: () => mainWindow,
    showNotification: ({ title, body }) => {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body });
      // A click brings the desk forward, where the call is.
      notification.on('click', () => {
        if (mainWindow?.isMinimized()) mainWindow.restore();
        mainWindow?.focus();
      });
      notification.show();
    },
  });
  await openWindow();
  // Only now: closing the prompt earlier would leave no window and quit the app.
  passphrasePrompt?.close();
}

let passphrasePrompt: ReturnType<typeof createPassphrasePrompt> | null = null;

/** The cache key from safeStorage, or from a passphrase where safeStorage cannot keep it; null if the agent gave up. */
async function unlockCache(): Promise<{ key: Buffer } | null> {
  passphrasePrompt = createPassphrasePrompt({
    pageFile: join(dirname(config.rendererFile), 'passphrase.html'),
    preloadPath: join(dirname(config.preloadPath), 'passphrase.cjs'),
    devServerUrl: config.devServerUrl,
  });
  try {
    const cacheKey = await obtainCacheKey({ userDataPath: app.getPath('userData'), safeStorage, askPassphrase: passphrasePrompt.ask });
    if (!cacheKey) app.quit();
    else mainLog('info', `cache key from ${cacheKey.source}`);
    return cacheKey;
  } catch (error) {
    passphrasePrompt.close();
    dialog.showErrorBox('Frontdesk311 cannot open its local cache', toDeskError(error).message);
    app.exit(1);
    return null;
  }
}

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight the first over the cache file; bring the first forward instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start).catch((error: unknown) => {
    mainLog('error', 'Frontdesk311 failed to start', error);
    app.exit(1);
  });
}

app.on('activate', () => {
  if (app.isReady() && BrowserWindow.getAllWindows().length === 0) void openWindow();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Let the host close SQLite cleanly before the app goes.
app.on('before-quit', (event) => {
  if (quitting || !host) return;
  event.preventDefault();
  quitting = true;
  const stopping = host;
  host = null;
  void stopping.stop().finally(() => app.quit());
});
