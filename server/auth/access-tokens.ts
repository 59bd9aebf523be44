// Agent access tokens: "<agentId>.<sessionId>.<expiry seconds>.<HMAC-SHA256>" signed with the
// server's token secret. The signature is checked without the database, so every instance behind
// a load balancer accepts them; the session id lets each request check, with one indexed query,
// that the session has not been signed out (server/auth/sessions.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AccessTokenClaims {
  agentId: string;
  sessionId: string;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function issueAccessToken(
  secret: string,
  claims: AccessTokenClaims,
  ttlSeconds: number,
  now: Date = new Date(),
): { token: string; expiresAt: Date } {
  const expiry = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const payload = `${claims.agentId}.${claims.sessionId}.${expiry}`;
  return { token: `${payload}.${sign(secret, payload)}`, expiresAt: new Date(expiry * 1000) };
}

const TOKEN_SHAPE = /^([a-z0-9][a-z0-9-]{1,62})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Who the token was issued to and in which session, or null when it is malformed, forged or
 * expired. Whether the session is still open is the caller's second check (sessions.ts).
 */
export function verifyAccessToken(secret: string, token: string, now: Date = new Date()): AccessTokenClaims | null {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return null;
  const [, agentId, sessionId, expiry, signature] = match as unknown as [string, string, string, string, string];
  const expected = Buffer.from(sign(secret, `${agentId}.${sessionId}.${expiry}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(expiry) * 1000 <= now.getTime()) return null;
  return { agentId, sessionId };
}
