// The second factor: RFC 6238 codes (SHA-1, 6 digits, 30 s steps, one step either side), each
// time step accepted at most once per agent, and the signed enrollment token that carries a new
// secret from the password check to the first code (nothing is stored until that code is right).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { z } from 'zod';

export const TOTP_ISSUER = 'Frontdesk311';
const PERIOD_SECONDS = 30;
const WINDOW = 1;
/** How long the agent has to scan the secret and type the first code. */
export const ENROLLMENT_TTL_SECONDS = 10 * 60;

function totpOf(secretBase32: string, agentId: string): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label: agentId, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function otpauthUri(secretBase32: string, agentId: string): string {
  return totpOf(secretBase32, agentId).toString();
}

export function timeStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS);
}

/**
 * The time step the code belongs to, or null when it is wrong, outside the window, or for a step
 * at or before `lastUsedStep` (a replayed or older code).
 */
export function acceptedTimeStep(secretBase32: string, code: string, now: Date, lastUsedStep: number | null): number | null {
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, timestamp: now.getTime(), window: WINDOW });
  if (delta === null) return null;
  const step = timeStepAt(now) + delta;
  return lastUsedStep !== null && step <= lastUsedStep ? null : step;
}

const EnrollmentClaimsSchema = z.object({ agentId: z.string(), secret: z.string(), expiresAt: z.number().int() }).strict();
export type EnrollmentClaims = z.infer<typeof EnrollmentClaimsSchema>;

function signEnrollment(tokenSecret: string, payload: string): string {
  // A purpose prefix, so no other token signed with the same secret can pass for this one.
  return createHmac('sha256', tokenSecret).update(`totp-enrollment\n${payload}`).digest('base64url');
}

export function issueEnrollmentToken(tokenSecret: string, agentId: string, secret: string, now: Date): { token: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + ENROLLMENT_TTL_SECONDS * 1000);
  const payload = Buffer.from(JSON.stringify({ agentId, secret, expiresAt: expiresAt.getTime() })).toString('base64url');
  return { token: `fde.${payload}.${signEnrollment(tokenSecret, payload)}`, expiresAt };
}

/** The pending enrollment, or null when the token is malformed, forged or expired. */
export function verifyEnrollmentToken(tokenSecret: string, token: string, now: Date): EnrollmentClaims | null {
  const match = /^fde\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, payload, signature] = match as unknown as [string, string, string];
  const expected = Buffer.from(signEnrollment(tokenSecret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let claims: EnrollmentClaims;
  try {
    const parsed = EnrollmentClaimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) return null;
    claims = parsed.data;
  } catch {
    return null;
  }
  return claims.expiresAt > now.getTime() ? claims : null;
}
