// What lets a desk be unlocked without the server: an Argon2id hash of the password of the last
// online sign-in (its own salt), with when that was and the server's desktop policy, kept in the
// cache's meta table. It is good until signedInAt + offlineUnlockHours.
import { hash, verify, type Options } from '@node-rs/argon2';
import type { CacheDatabase as Database } from '../cache/open-cache.js';
import { z } from 'zod';
import { AgentIdSchema } from '../../../shared/domain/agent.js';
import { DesktopPolicySchema } from '../../../shared/server-api.js';
import { readMeta, writeMeta } from '../cache/meta.js';

/** `Algorithm.Argon2id`; the package's enum is `const`, which isolated modules cannot import. */
const ARGON2ID = 2 as Options['algorithm'];
/** OWASP's Argon2id parameters: 19 MiB, 2 passes, 1 lane. */
const VERIFIER_HASH_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

const VERIFIER_KEY = 'offline_verifier';
const REFRESH_TOKEN_KEY = 'refresh_token';

export const OfflineVerifierSchema = z.object({
  agentId: AgentIdSchema,
  displayName: z.string().nullable(),
  passwordHash: z.string().startsWith('$argon2id$'),
  signedInAt: z.iso.datetime({ offset: true }),
  policy: DesktopPolicySchema,
});
export type OfflineVerifier = z.infer<typeof OfflineVerifierSchema>;

export function hashPasswordForOfflineUnlock(password: string): Promise<string> {
  return hash(password, VERIFIER_HASH_OPTIONS);
}

export function passwordMatches(verifier: OfflineVerifier, password: string): Promise<boolean> {
  return verify(verifier.passwordHash, password).catch(() => false);
}

export function offlineUnlockUntil(verifier: OfflineVerifier): Date {
  return new Date(Date.parse(verifier.signedInAt) + verifier.policy.offlineUnlockHours * 3_600_000);
}

/** Null when none is kept or it cannot be read (then an online sign-in writes a new one). */
export function readOfflineVerifier(db: Database): OfflineVerifier | null {
  const stored = readMeta(db, VERIFIER_KEY);
  if (!stored) return null;
  try {
    return OfflineVerifierSchema.parse(JSON.parse(stored));
  } catch {
    return null;
  }
}

export function writeOfflineVerifier(db: Database, verifier: OfflineVerifier): void {
  writeMeta(db, VERIFIER_KEY, JSON.stringify(OfflineVerifierSchema.parse(verifier)));
}

export function forgetOfflineVerifier(db: Database): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(VERIFIER_KEY);
  db.prepare('DELETE FROM meta WHERE key = ?').run(WRONG_PASSWORDS_KEY);
}

/**
 * Wrong passwords typed at the lock screen in a row. Kept on disk, so restarting the desktop does
 * not reset it: a lost laptop gives a guesser this many tries before the server is needed.
 */
export const LOCAL_UNLOCK_ATTEMPTS = 5;
const WRONG_PASSWORDS_KEY = 'offline_unlock_wrong_passwords';

/** Counts one more wrong local password; how many there have been in a row. */
export function countWrongLocalPassword(db: Database): number {
  const count = Number(readMeta(db, WRONG_PASSWORDS_KEY) ?? '0') + 1;
  writeMeta(db, WRONG_PASSWORDS_KEY, String(count));
  return count;
}

export function clearWrongLocalPasswords(db: Database): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(WRONG_PASSWORDS_KEY);
}

/** The refresh token in the meta table, so a restarted desk resumes its session once unlocked. */
export function metaRefreshTokenStore(db: Database): { read(): string | null; write(token: string | null): void } {
  return {
    read: () => readMeta(db, REFRESH_TOKEN_KEY),
    write: (token) => {
      if (token === null) db.prepare('DELETE FROM meta WHERE key = ?').run(REFRESH_TOKEN_KEY);
      else writeMeta(db, REFRESH_TOKEN_KEY, token);
    },
  };
}
