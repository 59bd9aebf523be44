// The desktop's cache key with a fake safeStorage and a real userData folder: made once and kept
// encrypted, read back, never stored where safeStorage only obfuscates (a passphrase instead),
// a wrong passphrase asked again, and nothing of the key ever written in the clear.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CACHE_KEY_STORE_FILE,
  obtainCacheKey,
  safeStorageProtects,
  type PassphraseRequest,
  type SafeStorageLike,
} from '../../../electron/main/cache-key.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

afterEach(removeTempDirs);

/** Encrypts by XOR with a secret pad and a marker, like an OS key store would: opaque without it. */
function fakeSafeStorage(backend: string | undefined = 'gnome_libsecret', available = true): SafeStorageLike & { calls: string[] } {
  const pad = 0x5c;
  const calls: string[] = [];
  const storage: SafeStorageLike & { calls: string[] } = {
    calls,
    isEncryptionAvailable: () => available,
    encryptString(plainText) {
      calls.push('encrypt');
      return Buffer.concat([Buffer.from('v11'), Buffer.from(plainText, 'utf8').map((byte) => byte ^ pad)]);
    },
    decryptString(encrypted) {
      calls.push('decrypt');
      if (!encrypted.subarray(0, 3).equals(Buffer.from('v11'))) throw new Error('not ours');
      return Buffer.from(encrypted.subarray(3).map((byte) => byte ^ pad)).toString('utf8');
    },
  };
  if (backend !== undefined) storage.getSelectedStorageBackend = () => backend;
  return storage;
}

/** Answers the prompts in order and records what it was asked. */
function scriptedPassphrases(...answers: (string | null)[]) {
  const asked: PassphraseRequest[] = [];
  const ask = vi.fn(async (request: PassphraseRequest) => {
    asked.push(request);
    if (answers.length === 0) throw new Error('asked more often than expected');
    return answers.shift() ?? null;
  });
  return { ask, asked };
}

/** Every byte under the folder, to look for the key in the clear. */
function allBytes(dir: string): Buffer {
  return Buffer.concat(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file).isFile())
    .map((file) => fs.readFileSync(file)));
}

function expectKeyNotInClear(dir: string, key: Buffer): void {
  const bytes = allBytes(dir);
  expect(bytes.length).toBeGreaterThan(0);
  for (const form of [key, Buffer.from(key.toString('hex')), Buffer.from(key.toString('base64')), Buffer.from(key.toString('hex').toUpperCase())]) {
    expect(bytes.includes(form)).toBe(false);
  }
}

describe('cache key with a real key store', () => {
  it('is made once, stored only encrypted, and read back on the next start', async () => {
    const userDataPath = makeTempDir('userdata');
    const safeStorage = fakeSafeStorage();
    const { ask } = scriptedPassphrases();

    const first = await obtainCacheKey({ userDataPath, safeStorage, askPassphrase: ask });
    expect(first?.source).toBe('safe-storage');
    expect(first?.key.length).toBe(32);
    expect(safeStorage.calls).toEqual(['encrypt']);
    expect(fs.statSync(path.join(userDataPath, CACHE_KEY_STORE_FILE)).mode & 0o777).toBe(0o600);
    expectKeyNotInClear(userDataPath, first!.key);

    const second = await obtainCacheKey({ userDataPath, safeStorage, askPassphrase: ask });
    expect(second?.key.equals(first!.key)).toBe(true);
    expect(safeStorage.calls).toEqual(['encrypt', 'decrypt']);
    expect(ask).not.toHaveBeenCalled();
  });

  it('works where the platform has no backend to report (macOS, Windows)', async () => {
    const userDataPath = makeTempDir('userdata');
    expect(safeStorageProtects(fakeSafeStorage(undefined))).toBe(true);
    expect((await obtainCacheKey({ userDataPath, safeStorage: fakeSafeStorage(undefined), askPassphrase: scriptedPassphrases().ask }))?.source).toBe('safe-storage');
  });

  it('refuses, rather than replaces, a key the key store can no longer decrypt', async () => {
    const userDataPath = makeTempDir('userdata');
    await obtainCacheKey({ userDataPath, safeStorage: fakeSafeStorage(), askPassphrase: scriptedPassphrases().ask });
    const stored = fs.readFileSync(path.join(userDataPath, CACHE_KEY_STORE_FILE));

    const broken = { ...fakeSafeStorage(), decryptString: () => { throw new Error('keyring locked'); } };
    await expect(obtainCacheKey({ userDataPath, safeStorage: broken, askPassphrase: scriptedPassphrases().ask })).rejects.toMatchObject({ code: 'CACHE_KEY_INVALID' });
    await expect(obtainCacheKey({ userDataPath, safeStorage: fakeSafeStorage('gnome_libsecret', false), askPassphrase: scriptedPassphrases().ask }))
      .rejects.toMatchObject({ code: 'CACHE_KEY_INVALID' });
    expect(fs.readFileSync(path.join(userDataPath, CACHE_KEY_STORE_FILE)).equals(stored)).toBe(true);
  });

  it('refuses a damaged key store file instead of making a new key', async () => {
    const userDataPath = makeTempDir('userdata');
    fs.writeFileSync(path.join(userDataPath, CACHE_KEY_STORE_FILE), '{"version":1,"kind":"safe-storage"');
    await expect(obtainCacheKey({ userDataPath, safeStorage: fakeSafeStorage(), askPassphrase: scriptedPassphrases().ask })).rejects.toMatchObject({ code: 'CACHE_KEY_INVALID' });
  });
});

describe('cache key without a real key store (Linux basic_text)', () => {
  it('never asks safeStorage to keep the key: it takes a passphrase, typed again on the next start', async () => {
    const userDataPath = makeTempDir('userdata');
    const safeStorage = fakeSafeStorage('basic_text');
    expect(safeStorageProtects(safeStorage)).toBe(false);

    const creating = scriptedPassphrases('short', 'correct horse battery staple');
    const created = await obtainCacheKey({ userDataPath, safeStorage, askPassphrase: creating.ask });
    expect(created?.source).toBe('passphrase');
    expect(creating.asked).toEqual([
      { mode: 'create', error: null },
      { mode: 'create', error: expect.objectContaining({ code: 'INVALID_INPUT' }) },
    ]);
    expect(safeStorage.calls).toEqual([]);
    expectKeyNotInClear(userDataPath, created!.key);
    expect(allBytes(userDataPath).includes(Buffer.from('correct horse battery staple'))).toBe(false);

    const unlocking = scriptedPassphrases('wrong horse battery staple', 'correct horse battery staple');
    const unlocked = await obtainCacheKey({ userDataPath, safeStorage, askPassphrase: unlocking.ask });
    expect(unlocked?.key.equals(created!.key)).toBe(true);
    expect(unlocking.asked).toEqual([
      { mode: 'unlock', error: null },
      { mode: 'unlock', error: expect.objectContaining({ code: 'CACHE_KEY_INVALID' }) },
    ]);
    expect(safeStorage.calls).toEqual([]);
  });

  it('takes the passphrase path when safeStorage is not available at all, and gives up when the prompt is closed', async () => {
    const userDataPath = makeTempDir('userdata');
    const { ask, asked } = scriptedPassphrases(null);
    expect(await obtainCacheKey({ userDataPath, safeStorage: fakeSafeStorage(undefined, false), askPassphrase: ask })).toBeNull();
    expect(asked).toEqual([{ mode: 'create', error: null }]);
    expect(fs.existsSync(path.join(userDataPath, CACHE_KEY_STORE_FILE))).toBe(false);
  });

  it('keeps using the passphrase once chosen, even if a keyring appears later', async () => {
    const userDataPath = makeTempDir('userdata');
    const created = await obtainCacheKey({ userDataPath, safeStorage: fakeSafeStorage('basic_text'), askPassphrase: scriptedPassphrases('a long enough passphrase').ask });
    const later = scriptedPassphrases('a long enough passphrase');
    const unlocked = await obtainCacheKey({ userDataPath, safeStorage: fakeSafeStorage('gnome_libsecret'), askPassphrase: later.ask });
    expect(unlocked?.key.equals(created!.key)).toBe(true);
    expect(later.asked).toEqual([{ mode: 'unlock', error: null }]);
  });
});
