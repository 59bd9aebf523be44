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

  it('sets the Electron fuses and unpacks the native SQLite module', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
    expect(JSON.stringify(config.asarUnpack)).toContain('better-sqlite3');
  });
});
