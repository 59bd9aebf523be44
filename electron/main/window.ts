// The call-taker's window: sandboxed, context-isolated, no Node in the page, and nowhere to go —
// navigation, new windows and webviews are all refused.
import { app, BrowserWindow, type WebContents } from 'electron';
import type { DesktopConfig } from './config.js';
import { mainLog } from './log.js';

/** Applied to every web contents the app creates, windows or not. */
export function lockDownWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    mainLog('warn', `blocked navigation to ${url}`);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    mainLog('warn', `blocked redirect to ${url}`);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    mainLog('warn', `blocked a new window for ${url}`);
    return { action: 'deny' };
  });
}

export async function createWindow(config: DesktopConfig): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    width: 1360,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    title: 'Frontdesk311',
    show: false,
    backgroundColor: '#f3f5f8',
    webPreferences: {
      preload: config.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  if (config.devServerUrl) await window.loadURL(config.devServerUrl);
  else await window.loadFile(config.rendererFile);
  if (!app.isPackaged) mainLog('info', `window loaded ${window.webContents.getURL()}`);
  return window;
}
