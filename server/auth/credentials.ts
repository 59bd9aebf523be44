// Agents' credentials as stored (table agent_credentials): the password hash, the second factor,
// and the failed-attempt counter with its lock. Writes that decide a sign-in run under the row's
// lock (`lockCredentials`), so two attempts at once count as two.
import type { Store } from '../store/store.js';

export interface Credentials {
  agentId: string;
  passwordHash: string | null;
  totpSecret: string | null;
  totpLastStep: number | null;
  failedAttempts: number;
  lockedUntil: Date | null;
}

interface CredentialsRow {
  agent_id: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_last_step: number | string | null;
  failed_attempts: number;
  locked_until: Date | string | null;
}

const COLUMNS = 'agent_id, password_hash, totp_secret, totp_last_step, failed_attempts, locked_until';

function credentialsFromRow(row: CredentialsRow): Credentials {
  return {
    agentId: row.agent_id,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
  };
}

export async function readCredentials(store: Store, agentId: string): Promise<Credentials | null> {
  const [row] = await store.query<CredentialsRow>(`SELECT ${COLUMNS} FROM agent_credentials WHERE agent_id = $1`, [agentId]);
  return row ? credentialsFromRow(row) : null;
}

/** The row, locked for the rest of the transaction. */
export async function lockCredentials(tx: Store, agentId: string): Promise<Credentials | null> {
  const [row] = await tx.query<CredentialsRow>(`SELECT ${COLUMNS} FROM agent_credentials WHERE agent_id = $1 FOR UPDATE`, [agentId]);
  return row ? credentialsFromRow(row) : null;
}

export function lockedAt(credentials: Pick<Credentials, 'lockedUntil'> | null, now: Date): Date | null {
  return credentials?.lockedUntil && credentials.lockedUntil.getTime() > now.getTime() ? credentials.lockedUntil : null;
}

export interface LockoutRule {
  attempts: number;
  minutes: number;
}

/**
 * Counts one failure; the one that reaches `rule.attempts` locks the account for `rule.minutes`
 * and starts the count again. The lock's end, when this failure set it.
 */
export async function recordFailure(tx: Store, agentId: string, now: Date, rule: LockoutRule): Promise<Date | null> {
  const [row] = await tx.query<{ failed_attempts: number }>(
    'UPDATE agent_credentials SET failed_attempts = failed_attempts + 1 WHERE agent_id = $1 RETURNING failed_attempts',
    [agentId],
  );
  if (!row || row.failed_attempts < rule.attempts) return null;
  const lockedUntil = new Date(now.getTime() + rule.minutes * 60_000);
  await tx.query('UPDATE agent_credentials SET failed_attempts = 0, locked_until = $2 WHERE agent_id = $1', [agentId, lockedUntil.toISOString()]);
  return lockedUntil;
}

export async function clearFailures(tx: Store, agentId: string): Promise<void> {
  await tx.query('UPDATE agent_credentials SET failed_attempts = 0, locked_until = NULL WHERE agent_id = $1 AND (failed_attempts <> 0 OR locked_until IS NOT NULL)', [agentId]);
}

/** Sets (or replaces) the password of agents that exist; clears their failures and lock. The ids that had an agent. */
export async function setPasswordHash(tx: Store, agentIds: readonly string[], passwordHash: string, now: Date): Promise<string[]> {
  const rows = await tx.query<{ agent_id: string }>(
    `INSERT INTO agent_credentials (agent_id, password_hash, password_changed_at)
     SELECT a.id, $2, $3 FROM agents a WHERE a.id = ANY($1::text[])
     ON CONFLICT (agent_id) DO UPDATE SET password_hash = EXCLUDED.password_hash,
       password_changed_at = EXCLUDED.password_changed_at, failed_attempts = 0, locked_until = NULL
     RETURNING agent_id`,
    [[...agentIds], passwordHash, now.toISOString()],
  );
  return rows.map((row) => row.agent_id);
}

/** Seeding: agents that have no password yet get this hash; one given since is kept. */
export async function seedPasswordHash(store: Store, agentIds: readonly string[], passwordHash: string): Promise<void> {
  await store.query(
    `INSERT INTO agent_credentials (agent_id, password_hash, password_changed_at)
     SELECT a.id, $2, now() FROM agents a WHERE a.id = ANY($1::text[])
     ON CONFLICT (agent_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, password_changed_at = EXCLUDED.password_changed_at
       WHERE agent_credentials.password_hash IS NULL`,
    [[...agentIds], passwordHash],
  );
}

export async function enrollTotp(tx: Store, agentId: string, secret: string, step: number, now: Date): Promise<void> {
  await tx.query(
    'UPDATE agent_credentials SET totp_secret = $2, totp_enrolled_at = $3, totp_last_step = $4, failed_attempts = 0, locked_until = NULL WHERE agent_id = $1',
    [agentId, secret, now.toISOString(), step],
  );
}

export async function recordTotpStep(tx: Store, agentId: string, step: number): Promise<void> {
  await tx.query('UPDATE agent_credentials SET totp_last_step = $2 WHERE agent_id = $1', [agentId, step]);
}

/** Removes the second factor: the agent enrolls again at the next sign-in if their role needs one. True if there was one. */
export async function resetTotp(tx: Store, agentId: string): Promise<boolean> {
  const rows = await tx.query(
    'UPDATE agent_credentials SET totp_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL WHERE agent_id = $1 AND totp_secret IS NOT NULL RETURNING agent_id',
    [agentId],
  );
  return rows.length > 0;
}
