// The cache passphrase prompt's preload: `window.cachePassphrase.submit` sends a passphrase on its
// one channel and nothing else; and it shares no module with the main preload, so the two build
// into self-contained files a sandbox can load (see electron.vite.config.ts).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CACHE_PASSPHRASE_CHANNEL, type CachePassphraseBridge } from '../../../electron/preload/passphrase-channel.js';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), send: vi.fn() },
}));
vi.mock('electron', () => electron);

let bridge: CachePassphraseBridge;

beforeAll(async () => {
  await import('../../../electron/preload/passphrase.js');
  const exposed = Object.fromEntries(electron.contextBridge.exposeInMainWorld.mock.calls as Array<[string, unknown]>);
  expect(Object.keys(exposed)).toEqual(['cachePassphrase']);
  bridge = exposed.cachePassphrase as CachePassphraseBridge;
});

/** The project's own modules a file pulls in, transitively. */
function localModules(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = fs.readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(/^\s*(?:import|export)\s[^'"]*['"](\.[^'"]+)['"]/gm)) {
    localModules(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

describe('passphrase preload', () => {
  it('sends a passphrase on its own channel, and nothing that is not one', () => {
    bridge.submit('correct horse battery staple');
    bridge.submit('');
    bridge.submit('x'.repeat(1025));
    bridge.submit(42 as unknown as string);
    expect(electron.ipcRenderer.send.mock.calls).toEqual([[CACHE_PASSPHRASE_CHANNEL, 'correct horse battery staple']]);
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('shares no module with the main preload', () => {
    const main = localModules(path.resolve('electron/preload/index.ts'));
    const passphrase = localModules(path.resolve('electron/preload/passphrase.ts'));
    expect(passphrase.size).toBeGreaterThan(1);
    expect([...passphrase].filter((file) => main.has(file))).toEqual([]);
  });
});
