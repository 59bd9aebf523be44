// Twilio Voice access tokens for agents' softphones, and the check the simulator makes on them
// the way Twilio's cloud would (HS256 with the API key secret, issuer, account, expiry, grant).
import { createHmac, timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';
import { z } from 'zod';
import type { ServerConfig } from '../config.js';

export const VOICE_TOKEN_TTL_SECONDS = 3600;

type TwilioCredentials = ServerConfig['twilio'];

export function createVoiceToken(
  credentials: TwilioCredentials,
  identity: string,
  now: Date = new Date(),
): { identity: string; token: string; expiresAt: string } {
  const token = new twilio.jwt.AccessToken(credentials.accountSid, credentials.apiKeySid, credentials.apiKeySecret, {
    identity,
    ttl: VOICE_TOKEN_TTL_SECONDS,
  });
  token.addGrant(
    new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: credentials.twimlAppSid }),
  );
  // The library stamps iat/exp from the clock itself; report the same expiry.
  const jwt = token.toJwt('HS256');
  const exp = decodePart(jwt.split('.')[1] ?? '', PayloadSchema)?.exp;
  const expiresAt = new Date((exp ?? Math.floor(now.getTime() / 1000) + VOICE_TOKEN_TTL_SECONDS) * 1000);
  return { identity, token: jwt, expiresAt: expiresAt.toISOString() };
}

const HeaderSchema = z.object({ alg: z.literal('HS256'), typ: z.literal('JWT') });
const PayloadSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  exp: z.number(),
  nbf: z.number().optional(),
  grants: z.object({
    identity: z.string(),
    voice: z.object({ incoming: z.object({ allow: z.boolean() }).optional() }).optional(),
  }),
});

function decodePart<T>(part: string, schema: z.ZodType<T>): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export type VoiceTokenCheck = { ok: true; identity: string } | { ok: false; expired: boolean; reason: string };

export function verifyVoiceToken(credentials: TwilioCredentials, jwt: string, now: Date = new Date()): VoiceTokenCheck {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, expired: false, reason: 'not a JWT' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart, HeaderSchema);
  const payload = decodePart(payloadPart, PayloadSchema);
  if (!header || !payload) return { ok: false, expired: false, reason: 'malformed access token' };
  const expected = createHmac('sha256', credentials.apiKeySecret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, expired: false, reason: 'access token signature does not match' };
  }
  if (payload.iss !== credentials.apiKeySid || payload.sub !== credentials.accountSid) {
    return { ok: false, expired: false, reason: 'access token is for another account or API key' };
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.exp <= nowSeconds) return { ok: false, expired: true, reason: 'access token expired' };
  if (payload.nbf !== undefined && payload.nbf > nowSeconds + 60) {
    return { ok: false, expired: false, reason: 'access token not valid yet' };
  }
  if (payload.grants.voice?.incoming?.allow !== true) {
    return { ok: false, expired: false, reason: 'access token has no incoming voice grant' };
  }
  return { ok: true, identity: payload.grants.identity };
}
