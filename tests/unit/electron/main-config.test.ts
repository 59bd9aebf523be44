// The desktop's configuration, page trust, permissions and CSP: pure functions of the main process.
import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, contentSecurityPolicyMeta } from '../../../build/csp.js';
import { isAppPageUrl, resolveDesktopConfig, type DesktopEnvironment } from '../../../electron/main/config.js';
import { isPermissionAllowed } from '../../../electron/main/security.js';

function environment(overrides: Partial<DesktopEnvironment> = {}): DesktopEnvironment {
  return {
    env: {},
    isPackaged: false,
    appPath: '/repo',
    userDataPath: '/home/agent/.config/Frontdesk311',
    mainDir: '/repo/out/main',
    exists: () => false,
    ...overrides,
  };
}

describe('resolveDesktopConfig', () => {
  it('uses the defaults and the built files next to the main entry', () => {
    const config = resolveDesktopConfig(environment());
    expect(config.host).toEqual({
      serverUrl: 'http://127.0.0.1:8311',
      dataDir: '/home/agent/.config/Frontdesk311/desk',
      agentId: 'demo-calltaker',
      sqliteNativeBinding: undefined,
    });
    expect(config.hostEntry).toBe('/repo/out/main/desk-host.js');
    expect(config.preloadPath).toBe('/repo/out/preload/index.cjs');
    expect(config.pages).toEqual({ rendererFileUrl: 'file:///repo/out/renderer/index.html', devServerOrigin: null });
  });

  it('loads the Electron build of the encrypting SQLite driver in development only, when it exists', () => {
    const exists = (path: string) => path === '/repo/.electron-native/better_sqlite3_multiple_ciphers.node';
    expect(resolveDesktopConfig(environment({ exists })).host.sqliteNativeBinding).toBe('/repo/.electron-native/better_sqlite3_multiple_ciphers.node');
    // A stale rebuild of plain better-sqlite3 (no encryption) is never picked up.
    expect(resolveDesktopConfig(environment({ exists: (path) => path === '/repo/.electron-native/better_sqlite3.node' })).host.sqliteNativeBinding).toBeUndefined();
    expect(resolveDesktopConfig(environment({ exists, isPackaged: true })).host.sqliteNativeBinding).toBeUndefined();
  });

  it('trusts the dev server only when not packaged', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173', FRONTDESK_SERVER_URL: 'https://311.example.org/', FRONTDESK_AGENT_ID: 'agent-7' };
    const dev = resolveDesktopConfig(environment({ env }));
    expect(dev.pages.devServerOrigin).toBe('http://localhost:5173');
    expect(dev.host).toMatchObject({ serverUrl: 'https://311.example.org', agentId: 'agent-7' });
    expect(resolveDesktopConfig(environment({ env, isPackaged: true })).devServerUrl).toBeNull();
  });
});

describe('page trust and permissions', () => {
  const pages = { rendererFileUrl: 'file:///repo/out/renderer/index.html', devServerOrigin: null };

  it('recognises the app page with any hash or query, and nothing else', () => {
    expect(isAppPageUrl('file:///repo/out/renderer/index.html?x=1#call', pages)).toBe(true);
    expect(isAppPageUrl('file:///repo/out/renderer/other.html', pages)).toBe(false);
    expect(isAppPageUrl('https://example.org/', pages)).toBe(false);
    expect(isAppPageUrl('not a url', pages)).toBe(false);
  });

  it('grants the microphone to the app page only', () => {
    const own = { requestingUrl: pages.rendererFileUrl, isMainFrame: true };
    expect(isPermissionAllowed('media', { ...own, mediaTypes: ['audio'] }, pages)).toBe(true);
    expect(isPermissionAllowed('media', { ...own, mediaType: 'audio' }, pages)).toBe(true);
    expect(isPermissionAllowed('media', { ...own, mediaTypes: ['audio', 'video'] }, pages)).toBe(false);
    expect(isPermissionAllowed('media', { requestingUrl: 'https://example.org/', mediaTypes: ['audio'] }, pages)).toBe(false);
    expect(isPermissionAllowed('media', { ...own, isMainFrame: false, mediaTypes: ['audio'] }, pages)).toBe(false);
    expect(isPermissionAllowed('geolocation', own, pages)).toBe(false);
    expect(isPermissionAllowed('notifications', own, pages)).toBe(false);
  });
});

describe('content security policy', () => {
  it('allows only our own scripts and styles, and sockets to the configured server', () => {
    const policy = buildContentSecurityPolicy({ connectOrigins: ['http://127.0.0.1:8311'] });
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("style-src 'self';");
    expect(policy).toContain('connect-src \'self\' http://127.0.0.1:8311 ws://127.0.0.1:8311 wss://*.twilio.com https://*.twilio.com');
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('relaxes scripts for the dev server only, and leaves frame-ancestors out of the meta tag', () => {
    expect(buildContentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' })).toContain("script-src 'self' 'unsafe-inline' http://localhost:5173");
    const meta = contentSecurityPolicyMeta();
    expect(meta).toMatch(/^<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(meta).not.toContain('frame-ancestors');
    expect(meta).toContain('connect-src \'self\' ws: wss:');
  });
});
