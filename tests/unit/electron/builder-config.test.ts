// The packaging configuration cannot be exercised here (electron-builder downloads Electron), so
// it is checked with electron-builder's own schema validation and for the settings we rely on.
import { readFileSync } from 'node:fs';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

type BuilderConfig = Parameters<typeof validateConfiguration>[0];
const config = parse(readFileSync('build/electron-builder.yml', 'utf8')) as BuilderConfig;
const quietLogger = { isEnabled: false, add: () => undefined, save: () => Promise.resolve() } as unknown as Parameters<typeof validateConfiguration>[1];

describe('build/electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('refuses a configuration with an unknown key (the validation can fail)', async () => {
    await expect(validateConfiguration({ ...config, notAnOption: true } as BuilderConfig, quietLogger)).rejects.toThrow(/notAnOption/);
  });

  it('targets AppImage and deb, NSIS and dmg', () => {
    const targets = (platform: 'linux' | 'win' | 'mac') => JSON.stringify((config[platform] as { target?: unknown } | undefined)?.target);
    expect(targets('linux')).toContain('AppImage');
    expect(targets('linux')).toContain('deb');
    expect(targets('win')).toContain('nsis');
    expect(targets('mac')).toContain('dmg');
  });

  it('sets the Electron fuses and unpacks the native modules: the encrypting SQLite driver and Argon2', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['node_modules/better-sqlite3-multiple-ciphers/**/*', 'node_modules/@node-rs/**/*']);
  });

  it('packages the encrypting SQLite driver and not plain better-sqlite3', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['better-sqlite3-multiple-ciphers', '@node-rs/argon2']));
    // Plain SQLite stays for tests ("open it without the key") and the benchmark baseline only.
    expect(Object.keys(manifest.dependencies)).not.toContain('better-sqlite3');
    expect(Object.keys(manifest.devDependencies)).toContain('better-sqlite3');
  });
});
