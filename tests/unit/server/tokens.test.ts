// Agent access tokens and Twilio voice tokens: what is accepted and what is refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueAccessToken, verifyAccessToken } from '../../../server/auth/access-tokens.js';
import { SIMULATED_TWILIO } from '../../../server/config.js';
import { createVoiceToken, verifyVoiceToken } from '../../../server/telephony/voice-token.js';

const SECRET = 'a-test-secret-of-some-length';

describe('agent access tokens', () => {
  const SESSION = '0192f3a1-2155-4550-8142-123456789012';
  const claims = { agentId: 'demo-calltaker', sessionId: SESSION };

  it('round-trips the agent and session until it expires', () => {
    const now = new Date('2026-11-25T08:00:00Z');
    const { token, expiresAt } = issueAccessToken(SECRET, claims, 15 * 60, now);
    expect(expiresAt.toISOString()).toBe('2026-11-25T08:15:00.000Z');
    expect(verifyAccessToken(SECRET, token, now)).toEqual(claims);
    expect(verifyAccessToken(SECRET, token, new Date('2026-11-25T08:14:59Z'))).toEqual(claims);
    expect(verifyAccessToken(SECRET, token, new Date('2026-11-25T08:15:00Z'))).toBeNull();
  });

  it('refuses tokens signed with another secret, edited, or malformed', () => {
    const { token } = issueAccessToken(SECRET, claims, 900);
    expect(verifyAccessToken('another-secret-entirely', token)).toBeNull();
    expect(verifyAccessToken(SECRET, token.replace('demo-calltaker', 'demo-lead'))).toBeNull();
    expect(verifyAccessToken(SECRET, token.replace(SESSION, '0192f3a1-2155-4550-8142-123456789013'))).toBeNull();
    const [agent, session, expiry, signature] = token.split('.');
    expect(verifyAccessToken(SECRET, `${agent}.${session}.${Number(expiry) + 3600}.${signature}`)).toBeNull();
    // The old form without a session is no longer accepted.
    expect(verifyAccessToken(SECRET, `${agent}.${expiry}.${signature}`)).toBeNull();
    expect(verifyAccessToken(SECRET, '')).toBeNull();
    expect(verifyAccessToken(SECRET, 'demo-calltaker')).toBeNull();
  });
});

describe('Twilio voice tokens', () => {
  it('issues a token with a voice grant that the simulator accepts for that identity', () => {
    const issued = createVoiceToken(SIMULATED_TWILIO, 'demo-triage');
    expect(issued.identity).toBe('demo-triage');
    const payload = JSON.parse(Buffer.from(issued.token.split('.')[1] as string, 'base64url').toString()) as {
      iss: string; sub: string; exp: number; grants: { identity: string; voice: { incoming: { allow: boolean }; outgoing: { application_sid: string } } };
    };
    expect(payload).toMatchObject({
      iss: SIMULATED_TWILIO.apiKeySid,
      sub: SIMULATED_TWILIO.accountSid,
      grants: { identity: 'demo-triage', voice: { incoming: { allow: true }, outgoing: { application_sid: SIMULATED_TWILIO.twimlAppSid } } },
    });
    expect(new Date(payload.exp * 1000).toISOString()).toBe(issued.expiresAt);
    expect(verifyVoiceToken(SIMULATED_TWILIO, issued.token)).toEqual({ ok: true, identity: 'demo-triage' });
  });

  it('refuses tokens with a wrong signature, another account, or past expiry', () => {
    const { token } = createVoiceToken(SIMULATED_TWILIO, 'demo-triage');
    expect(verifyVoiceToken({ ...SIMULATED_TWILIO, apiKeySecret: 'not-the-secret' }, token)).toMatchObject({ ok: false, expired: false });
    expect(verifyVoiceToken({ ...SIMULATED_TWILIO, accountSid: `AC${'1'.repeat(32)}` }, token)).toMatchObject({ ok: false });
    expect(verifyVoiceToken(SIMULATED_TWILIO, token, new Date(Date.now() + 2 * 3600_000))).toMatchObject({ ok: false, expired: true });
    expect(verifyVoiceToken(SIMULATED_TWILIO, 'a.b')).toMatchObject({ ok: false });

    // Well signed, but without an incoming voice grant.
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ iss: SIMULATED_TWILIO.apiKeySid, sub: SIMULATED_TWILIO.accountSid, exp: Math.floor(Date.now() / 1000) + 60, grants: { identity: 'x1' } }),
    ).toString('base64url');
    const signature = createHmac('sha256', SIMULATED_TWILIO.apiKeySecret).update(`${header}.${body}`).digest('base64url');
    expect(verifyVoiceToken(SIMULATED_TWILIO, `${header}.${body}.${signature}`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('grant'),
    });
  });
});
