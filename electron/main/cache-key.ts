// The desktop's cache key: made once, kept in userData encrypted by the OS key store through
// Electron's safeStorage, and handed to the desk host in its start message. Where safeStorage
// would only obfuscate (Linux without a keyring: the 'basic_text' backend) the key is never
// stored: it comes from a passphrase the agent types at each start (Argon2id; the salt and a
// check value are kept in userData, the passphrase and the key are not).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DeskFailure, deskError, type DeskError } from '../../shared/errors.js';
import { CACHE_KEY_BYTES, keyCheckValue } from '../host/cache/key-check.js';
import { derivePassphraseKey, newPassphraseSalt } from '../host/cache/passphrase-key.js';

/** The part of Electron's `safeStorage` used here, so it can be faked in tests. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron: 'basic_text' means a hard-coded password, i.e. no real protection. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export type PassphraseRequest = {
  /** 'create' the first time (typed twice), 'unlock' after. */
  mode: 'create' | 'unlock';
  error: DeskError | null;
};
/** Shows the passphrase prompt; null when the agent closes it (the app then quits). */
export type AskPassphrase = (request: PassphraseRequest) => Promise<string | null>;

export const CACHE_KEY_STORE_FILE = 'cache-key.json';
export const MIN_PASSPHRASE_LENGTH = 10;

const KeyStoreSchema = z.discriminatedUnion('kind', [
  z.object({ version: z.literal(1), kind: z.literal('safe-storage'), encryptedKey: z.base64() }),
  z.object({ version: z.literal(1), kind: z.literal('passphrase'), salt: z.base64(), check: z.string().regex(/^[0-9a-f]{64}$/) }),
]);
type KeyStore = z.infer<typeof KeyStoreSchema>;

export type CacheKeyOptions = {
  userDataPath: string;
  safeStorage: SafeStorageLike;
  askPassphrase: AskPassphrase;
};

export type CacheKey = { key: Buffer; source: 'safe-storage' | 'passphrase' };

/** True when safeStorage really encrypts (an OS key store), not just obfuscates. */
export function safeStorageProtects(safeStorage: SafeStorageLike): boolean {
  return safeStorage.isEncryptionAvailable() && safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
}

/** The cache key, made on first start; null when the agent gives up at the passphrase prompt. */
export async function obtainCacheKey(options: CacheKeyOptions): Promise<CacheKey | null> {
  const file = path.join(options.userDataPath, CACHE_KEY_STORE_FILE);
  const stored = readKeyStore(file);
  if (stored?.kind === 'safe-storage') return { key: decryptStoredKey(stored.encryptedKey, options.safeStorage), source: 'safe-storage' };
  if (stored?.kind === 'passphrase') return unlockWithPassphrase(stored, options.askPassphrase);
  if (safeStorageProtects(options.safeStorage)) {
    const key = randomBytes(CACHE_KEY_BYTES);
    const encryptedKey = options.safeStorage.encryptString(key.toString('hex')).toString('base64');
    writeKeyStore(file, { version: 1, kind: 'safe-storage', encryptedKey });
    return { key, source: 'safe-storage' };
  }
  return createPassphraseKey(file, options.askPassphrase);
}

function decryptStoredKey(encryptedKey: string, safeStorage: SafeStorageLike): Buffer {
  if (!safeStorage.isEncryptionAvailable()) {
    throw new DeskFailure('CACHE_KEY_INVALID', "The system's key store is not available, so the local cache's key cannot be read.");
  }
  let hex: string;
  try {
    hex = safeStorage.decryptString(Buffer.from(encryptedKey, 'base64'));
  } catch (error) {
    throw new DeskFailure('CACHE_KEY_INVALID', `The system's key store could not decrypt the local cache's key: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new DeskFailure('CACHE_KEY_INVALID', "The system's key store returned something that is not the local cache's key.");
  return Buffer.from(hex, 'hex');
}

async function unlockWithPassphrase(stored: Extract<KeyStore, { kind: 'passphrase' }>, ask: AskPassphrase): Promise<CacheKey | null> {
  const salt = Buffer.from(stored.salt, 'base64');
  const expected = Buffer.from(stored.check, 'utf8');
  let error: DeskError | null = null;
  for (;;) {
    const passphrase = await ask({ mode: 'unlock', error });
    if (passphrase === null) return null;
    const key = await derivePassphraseKey(passphrase, salt);
    const check = Buffer.from(keyCheckValue(key), 'utf8');
    if (check.length === expected.length && timingSafeEqual(check, expected)) return { key, source: 'passphrase' };
    error = deskError('CACHE_KEY_INVALID', 'That passphrase does not open the local cache. Try again.');
  }
}

async function createPassphraseKey(file: string, ask: AskPassphrase): Promise<CacheKey | null> {
  let error: DeskError | null = null;
  for (;;) {
    const passphrase = await ask({ mode: 'create', error });
    if (passphrase === null) return null;
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      error = deskError('INVALID_INPUT', `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`);
      continue;
    }
    const salt = newPassphraseSalt();
    const key = await derivePassphraseKey(passphrase, salt);
    writeKeyStore(file, { version: 1, kind: 'passphrase', salt: salt.toString('base64'), check: keyCheckValue(key) });
    return { key, source: 'passphrase' };
  }
}

function readKeyStore(file: string): KeyStore | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const store = KeyStoreSchema.safeParse(parsed);
  // Never replaced silently: a new key would leave the cache and its unsent changes unreadable.
  if (!store.success) throw new DeskFailure('CACHE_KEY_INVALID', `${file} is damaged, so the local cache's key cannot be read.`);
  return store.data;
}

/** Written whole or not at all, owner-only. */
function writeKeyStore(file: string, store: KeyStore): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}
