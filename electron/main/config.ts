// Where the desktop finds its pieces and settings: the central server, the agent, the built
// renderer, preload and desk-host entry, and (in development only) the SQLite driver's binary
// rebuilt for Electron's ABI in .electron-native/ so Node's copy stays usable for `npm test`.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8311';
export const DEFAULT_AGENT_ID = 'demo-calltaker';

export type DesktopEnvironment = {
  env: Record<string, string | undefined>;
  isPackaged: boolean;
  /** app.getAppPath(): the repo root in development, the asar in a package. */
  appPath: string;
  /** app.getPath('userData'). */
  userDataPath: string;
  /** The directory of the built main entry (out/main). */
  mainDir: string;
  exists: (path: string) => boolean;
};

/** The pages the desk API and permissions trust: the built renderer file or the dev server. */
export type AppPages = {
  rendererFileUrl: string;
  devServerOrigin: string | null;
};

export type HostStartOptions = {
  serverUrl: string;
  dataDir: string;
  agentId: string;
  sqliteNativeBinding: string | undefined;
};

export type DesktopConfig = {
  host: HostStartOptions;
  hostEntry: string;
  preloadPath: string;
  rendererFile: string;
  devServerUrl: string | null;
  pages: AppPages;
};

export function resolveDesktopConfig(environment: DesktopEnvironment): DesktopConfig {
  const { env, isPackaged, mainDir } = environment;
  const serverUrl = new URL(env.FRONTDESK_SERVER_URL ?? DEFAULT_SERVER_URL).toString().replace(/\/+$/, '');
  const agentId = env.FRONTDESK_AGENT_ID ?? DEFAULT_AGENT_ID;
  // Packaged apps load the module electron-builder rebuilt; only development needs the side copy.
  const devBinding = join(environment.appPath, '.electron-native', 'better_sqlite3_multiple_ciphers.node');
  const sqliteNativeBinding = !isPackaged && environment.exists(devBinding) ? devBinding : undefined;
  // electron-vite dev serves the renderer and says where; a packaged app never trusts that variable.
  const devServerUrl = !isPackaged && env.ELECTRON_RENDERER_URL ? env.ELECTRON_RENDERER_URL : null;
  const rendererFile = join(mainDir, '..', 'renderer', 'index.html');
  return {
    host: { serverUrl, dataDir: join(environment.userDataPath, 'desk'), agentId, sqliteNativeBinding },
    hostEntry: join(mainDir, 'desk-host.js'),
    preloadPath: join(mainDir, '..', 'preload', 'index.cjs'),
    rendererFile,
    devServerUrl,
    pages: {
      rendererFileUrl: pathToFileURL(rendererFile).toString(),
      devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : null,
    },
  };
}

/** True for the app's own page: the built index.html (any query or hash), or the dev server. */
export function isAppPageUrl(candidate: string, pages: AppPages): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (pages.devServerOrigin) return url.origin === pages.devServerOrigin;
  const own = new URL(pages.rendererFileUrl);
  return url.protocol === 'file:' && url.host === own.host && url.pathname === own.pathname;
}
