// The cache key for runs without an OS key store (web mode for development, tests): a random
// key in `cache.key` beside the cache, readable by the owner only. Anyone who can read the data
// folder can read the key too, which is why the desktop keeps its key with safeStorage instead.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DeskFailure } from '../../../shared/errors.js';
import { CACHE_KEY_BYTES } from './key-check.js';

export const CACHE_KEY_FILE_NAME = 'cache.key';

export function readOrCreateKeyFile(dataDir: string): { key: Buffer; created: boolean; path: string } {
  const file = path.join(dataDir, CACHE_KEY_FILE_NAME);
  const created = createKeyFile(file);
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!new RegExp(`^[0-9a-f]{${CACHE_KEY_BYTES * 2}}$`).test(text)) {
    throw new DeskFailure('CACHE_KEY_INVALID', `${file} does not hold a ${CACHE_KEY_BYTES * 8}-bit key in hex.`);
  }
  return { key: Buffer.from(text, 'hex'), created, path: file };
}

/** 'wx' so two starts racing on a fresh folder keep the same key. */
function createKeyFile(file: string): boolean {
  try {
    fs.writeFileSync(file, `${randomBytes(CACHE_KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
