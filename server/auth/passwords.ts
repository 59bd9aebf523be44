// Password hashing: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). Checking a
// password for an agent who does not exist, or has none, still runs a full verification against
// a dummy hash, so the time taken does not tell which agent ids exist.
import { hash, verify, type Options } from '@node-rs/argon2';

/** `Algorithm.Argon2id`; the package's enum is `const`, which isolated modules cannot import. */
const ARGON2ID = 2 as Options['algorithm'];

export const PASSWORD_HASH_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

let dummyHash: Promise<string> | null = null;

/** A hash no password is known for, with the same parameters as real ones. */
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(`no-such-password-${Math.random()}`);
  return dummyHash;
}

/** True when `password` matches `passwordHash`; with no hash, false after the same amount of work. */
export async function checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    await verify(await dummy(), password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
