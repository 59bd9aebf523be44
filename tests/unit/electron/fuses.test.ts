// The fuses in build/electron-builder.yml, taken through electron-builder's own packaging code
// (its mapping to @electron/fuses and the flip it runs after packing) onto a stand-in Electron
// binary: the real one is not downloaded here, and the fuse wire is all that flipping touches.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';

type ElectronFuses = Record<string, boolean>;
const configuredFuses = (parse(readFileSync('build/electron-builder.yml', 'utf8')) as { electronFuses: ElectronFuses }).electronFuses;

// @electron/fuses finds the wire after this sentinel: a version byte, a length byte, then one
// byte per fuse, ASCII '0' (off) or '1' (on).
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FuseState = { DISABLE: 0x30, ENABLE: 0x31 } as const;
// Electron's shipped defaults, in FuseV1Options order.
const DEFAULT_WIRE = [
  FuseState.ENABLE, // RunAsNode
  FuseState.DISABLE, // EnableCookieEncryption
  FuseState.ENABLE, // EnableNodeOptionsEnvironmentVariable
  FuseState.ENABLE, // EnableNodeCliInspectArguments
  FuseState.DISABLE, // EnableEmbeddedAsarIntegrityValidation
  FuseState.DISABLE, // OnlyLoadAppFromAsar
  FuseState.DISABLE, // LoadBrowserProcessSpecificV8Snapshot
  FuseState.ENABLE, // GrantFileProtocolExtraPrivileges
];

function standInBinary(file: string): void {
  writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 0x7f), Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length, ...DEFAULT_WIRE]), Buffer.alloc(4096, 0x7f)]));
}

// electron-builder's own steps, as it runs them after packing (private API, pinned by this test).
type Packager = {
  generateFuseConfig(fuses: ElectronFuses): Promise<FuseConfig>;
  addElectronFuses(context: { appOutDir: string; electronPlatformName: string }, fuses: FuseConfig): Promise<number>;
};
const packager = PlatformPackager.prototype as unknown as Packager;

async function flipWithElectronBuilder(fuses: ElectronFuses, appOutDir: string): Promise<Record<number, number>> {
  const self = { appInfo: { productFilename: 'Frontdesk311' } };
  const config = await packager.generateFuseConfig.call(self, fuses);
  await packager.addElectronFuses.call(self, { appOutDir, electronPlatformName: 'linux' }, config);
  return (await getCurrentFuseWire(path.join(appOutDir, 'Frontdesk311'))) as unknown as Record<number, number>;
}

describe('Electron fuses as packaged', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('flips every hardening fuse the configuration names', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fd311-fuses-'));
    standInBinary(path.join(dir, 'Frontdesk311'));
    const wire = await flipWithElectronBuilder(configuredFuses, dir);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    // Left at Electron's default on purpose: the renderer is a file:// page (see README, Security).
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.ENABLE);
  });

  it('leaves a binary as Electron ships it without the configuration (the check can fail)', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fd311-fuses-'));
    standInBinary(path.join(dir, 'Frontdesk311'));
    const wire = await flipWithElectronBuilder({}, dir);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.DISABLE);
  });
});
