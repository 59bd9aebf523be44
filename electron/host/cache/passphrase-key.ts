// A cache key from a passphrase, for machines with no OS key store (Linux without a keyring) and
// for web mode: Argon2id over the passphrase and a random salt kept beside it. The salt is not
// secret; it makes each install's keys different so one guess cannot be tried on many.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashRaw, type Options } from '@node-rs/argon2';
import { CACHE_KEY_BYTES } from './key-check.js';

const SALT_BYTES = 16;
// Algorithm is a const enum, which isolated modules cannot read; 2 is Argon2id.
const ARGON2ID = 2 as Options['algorithm'];

/** 64 MiB, 3 passes: OWASP's Argon2id guidance, about a quarter second on a call-center PC. */
export const PASSPHRASE_KDF = { memoryCost: 64 * 1024, timeCost: 3, parallelism: 1 } as const;

export function derivePassphraseKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return hashRaw(passphrase.normalize('NFC'), { algorithm: ARGON2ID, salt, outputLen: CACHE_KEY_BYTES, ...PASSPHRASE_KDF });
}

export function newPassphraseSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

/** The salt stored in `file`, made on first use. */
export function readOrCreateSalt(file: string): Buffer {
  try {
    fs.writeFileSync(file, newPassphraseSalt().toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const salt = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  if (salt.length !== SALT_BYTES) throw new Error(`${file} does not hold a ${SALT_BYTES}-byte salt in hex.`);
  return salt;
}

export const PASSPHRASE_SALT_FILE_NAME = 'cache.salt';

/** Web mode's FRONTDESK_CACHE_PASSPHRASE: the key for the cache in `dataDir`, salted beside it. */
export async function cacheKeyFromPassphrase(passphrase: string, dataDir: string): Promise<Buffer> {
  fs.mkdirSync(dataDir, { recursive: true });
  return derivePassphraseKey(passphrase, readOrCreateSalt(path.join(dataDir, PASSPHRASE_SALT_FILE_NAME)));
}
