// A check value for the cache key, kept beside the cache: HMAC-SHA256 of a fixed label under the
// key. It tells "wrong key" from "damaged file", which SQLite reports alike. It gives away nothing
// the encrypted file does not: guessing a passphrase against it costs the same Argon2id run as
// guessing against the file itself.
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';

/** 256-bit keys, given raw: no key derivation on open (a passphrase is stretched with Argon2id first). */
export const CACHE_KEY_BYTES = 32;

const LABEL = 'frontdesk311 cache key check v1';

export function keyCheckPath(cachePath: string): string {
  return `${cachePath}.key-check`;
}

export function keyCheckValue(key: Buffer): string {
  return createHmac('sha256', key).update(LABEL).digest('hex');
}

/** True or false when a check is on record; null when none is (a cache no key has opened yet). */
export function keyCheckAgrees(cachePath: string, key: Buffer): boolean | null {
  let stored: string;
  try {
    stored = fs.readFileSync(keyCheckPath(cachePath), 'utf8').trim();
  } catch {
    return null;
  }
  const expected = Buffer.from(keyCheckValue(key), 'utf8');
  const actual = Buffer.from(stored, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Records the key's check once the cache has opened with it. */
export function writeKeyCheck(cachePath: string, key: Buffer): void {
  if (keyCheckAgrees(cachePath, key) === true) return;
  const file = keyCheckPath(cachePath);
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, `${keyCheckValue(key)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}
