// Sign-in sessions (table auth_sessions): one per sign-in, holding the SHA-256 of its current
// refresh token, never the token. Refreshing spends the token and issues the next; a spent token
// presented again means it was copied, so the session is revoked. Access tokens name their
// session, and `isSessionOpen` is the per-request check that makes sign-out take effect at once.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';

export interface Session {
  id: string;
  agentId: string;
  clientId: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
}

interface SessionRow {
  id: string;
  agent_id: string;
  client_id: string | null;
  expires_at: Date | string;
  revoked_at: Date | string | null;
}

const COLUMNS = 'id::text AS id, agent_id, client_id, expires_at, revoked_at';

function sessionFromRow(row: SessionRow): Session {
  return {
    id: row.id,
    agentId: row.agent_id,
    clientId: row.client_id,
    expiresAt: new Date(row.expires_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
  };
}

/** "fdr_" and 256 random bits: the prefix lets the log scrubber and secret scanners recognise one. */
function newRefreshToken(): string {
  return `fdr_${randomBytes(32).toString('base64url')}`;
}

export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface OpenedSession {
  sessionId: string;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export async function openSession(tx: Store, agentId: string, clientId: string | null, now: Date, lifetimeHours: number): Promise<OpenedSession> {
  const sessionId = randomUUID();
  const refreshToken = newRefreshToken();
  const refreshExpiresAt = new Date(now.getTime() + lifetimeHours * 3_600_000);
  await tx.query(
    `INSERT INTO auth_sessions (id, agent_id, client_id, refresh_token_hash, created_at, last_used_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6)`,
    [sessionId, agentId, clientId, refreshTokenHash(refreshToken), now.toISOString(), refreshExpiresAt.toISOString()],
  );
  return { sessionId, refreshToken, refreshExpiresAt };
}

export type RefreshLookup =
  | { kind: 'current'; session: Session }
  /** A token already exchanged for the next one. */
  | { kind: 'spent'; session: Session }
  | { kind: 'unknown' };

/** The session a refresh token belongs to, locked for the rest of the transaction. */
export async function lockSessionByRefreshToken(tx: Store, refreshToken: string): Promise<RefreshLookup> {
  const hash = refreshTokenHash(refreshToken);
  const [current] = await tx.query<SessionRow>(`SELECT ${COLUMNS} FROM auth_sessions WHERE refresh_token_hash = $1 FOR UPDATE`, [hash]);
  if (current) return { kind: 'current', session: sessionFromRow(current) };
  const [spent] = await tx.query<SessionRow>(
    `SELECT ${COLUMNS} FROM auth_sessions WHERE id = (SELECT session_id FROM auth_spent_refresh_tokens WHERE token_hash = $1) FOR UPDATE`,
    [hash],
  );
  return spent ? { kind: 'spent', session: sessionFromRow(spent) } : { kind: 'unknown' };
}

/** Spends the session's current refresh token and gives it the next one; the session keeps its end. */
export async function rotateRefreshToken(tx: Store, session: Session, spentToken: string, now: Date): Promise<OpenedSession> {
  const refreshToken = newRefreshToken();
  await tx.query('INSERT INTO auth_spent_refresh_tokens (token_hash, session_id, spent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    refreshTokenHash(spentToken), session.id, now.toISOString(),
  ]);
  await tx.query('UPDATE auth_sessions SET refresh_token_hash = $2, last_used_at = $3 WHERE id = $1', [session.id, refreshTokenHash(refreshToken), now.toISOString()]);
  return { sessionId: session.id, refreshToken, refreshExpiresAt: session.expiresAt };
}

/** One indexed read: the session exists for this agent, is not revoked and has not ended. */
export async function isSessionOpen(store: Store, sessionId: string, agentId: string, now: Date): Promise<boolean> {
  const rows = await store.query(
    'SELECT 1 FROM auth_sessions WHERE id = $1::uuid AND agent_id = $2 AND revoked_at IS NULL AND expires_at > $3',
    [sessionId, agentId, now.toISOString()],
  );
  return rows.length > 0;
}

/** Revokes one session; how many were still open (0 or 1). */
export async function revokeSession(tx: Store, sessionId: string, reason: string, now: Date): Promise<number> {
  const rows = await tx.query('UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1::uuid AND revoked_at IS NULL RETURNING id', [
    sessionId, now.toISOString(), reason,
  ]);
  return rows.length;
}

/** Revokes every open session of the agent, but `keep` when given; how many were open. */
export async function revokeAgentSessions(tx: Store, agentId: string, reason: string, now: Date, keep: string | null = null): Promise<number> {
  const rows = await tx.query(
    `UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3
     WHERE agent_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid) RETURNING id`,
    [agentId, now.toISOString(), reason, keep],
  );
  return rows.length;
}
