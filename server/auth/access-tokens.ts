// Agent access tokens: "<agentId>.<expiry seconds>.<HMAC-SHA256>" signed with the server's
// token secret. Stateless, so every server instance behind a load balancer accepts them.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const ACCESS_TOKEN_TTL_SECONDS = 12 * 60 * 60;

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function issueAccessToken(secret: string, agentId: string, now: Date = new Date()): { token: string; expiresAt: Date } {
  const expiry = Math.floor(now.getTime() / 1000) + ACCESS_TOKEN_TTL_SECONDS;
  const payload = `${agentId}.${expiry}`;
  return { token: `${payload}.${sign(secret, payload)}`, expiresAt: new Date(expiry * 1000) };
}

/** The agent id the token was issued to, or null when it is malformed, forged or expired. */
export function verifyAccessToken(secret: string, token: string, now: Date = new Date()): string | null {
  const match = /^([a-z0-9][a-z0-9-]{1,62})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, agentId, expiry, signature] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${agentId}.${expiry}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(expiry) * 1000 <= now.getTime()) return null;
  return agentId;
}
