// The server's outer defences on a real server: security headers, CORS for the configured
// origins only, body size limits (larger for sync push), and rate limits with our error format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEED_PASSWORD, loadServerConfig } from '../../../server/config.js';
import { GLOBAL_BODY_LIMIT, rateLimitPolicies, scrubLogLine } from '../../../server/http/security.js';
import { SYNC_PROTOCOL_VERSION } from '../../../shared/sync-protocol.js';
import { postForm, postJson, signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';

const DESK_ORIGIN = 'http://127.0.0.1:8312';
const OTHER_APP_ORIGIN = 'https://desk.example.org';

describe('security settings', () => {
  it("allows the desk host's web mode by default, and a configured list instead", () => {
    expect(loadServerConfig({ HOME: '/tmp' }).corsOrigins).toEqual([DESK_ORIGIN]);
    expect(loadServerConfig({ HOME: '/tmp', FRONTDESK_CORS_ORIGINS: 'https://desk.example.org/, http://localhost:8312' }).corsOrigins).toEqual([
      OTHER_APP_ORIGIN, 'http://localhost:8312',
    ]);
    expect(() => loadServerConfig({ HOME: '/tmp', FRONTDESK_CORS_ORIGINS: 'not a url' })).toThrow();
  });

  it('limits sign-in, Twilio webhooks and Open311 POST, and nothing else', () => {
    const policies = rateLimitPolicies(loadServerConfig({ HOME: '/tmp' }));
    expect(policies.find((policy) => policy.name === 'sign-in')?.max).toBe(20);
    expect(rateLimitPolicies(loadServerConfig({ HOME: '/tmp', FRONTDESK_SIGN_IN_RATE_LIMIT: '500' }))[0]?.max).toBe(500);
    const policyFor = (method: string, url: string) => policies.find((policy) => policy.applies(method, url))?.name ?? null;
    expect(policyFor('POST', '/auth/sign-in')).toBe('sign-in');
    expect(policyFor('POST', '/auth/refresh')).toBe('refresh');
    expect(policyFor('POST', '/auth/totp/enroll')).toBe('totp-enroll');
    expect(policyFor('POST', '/auth/sign-out')).toBeNull();
    expect(policyFor('POST', '/twilio/voice')).toBe('twilio-webhooks');
    expect(policyFor('POST', '/twilio/status')).toBe('twilio-webhooks');
    expect(policyFor('POST', '/open311/v2/requests.json')).toBe('open311-post');
    expect(policyFor('GET', '/open311/v2/requests.json')).toBeNull();
    expect(policyFor('GET', '/twilio/token')).toBeNull();
    expect(policyFor('POST', '/sync/push')).toBeNull();
  });

  it('scrubs log lines of numbers, tokens and personal fields, and keeps times, ids and hashes', () => {
    const line = JSON.stringify({
      time: 1764633612345,
      reqId: 'req-1a',
      responseTime: 12.3456789,
      caseId: '0192f3a1-2155-7550-8142-123456789012',
      hash: 'ab'.repeat(32),
      req: { url: '/sync/poke?token=demo-calltaker.1764633612.abcdefghijabcdefghijabcdefghijabcdefghijabc&x=1' },
      params: { From: 'client:demo-calltaker', Called: '+12155550311' },
      caller: { name: 'Denise Whitfield', phones: ['+12155550142'] },
      msg: 'no caller for (215) 555-0142, 215.555.0142 or %2B12155550142; Bearer abc.def',
    });
    const scrubbed = JSON.parse(scrubLogLine(`${line}\n`)) as Record<string, unknown>;
    expect(scrubbed).toMatchObject({
      time: 1764633612345,
      reqId: 'req-1a',
      responseTime: 12.3456789,
      caseId: '0192f3a1-2155-7550-8142-123456789012',
      hash: 'ab'.repeat(32),
      req: { url: '/sync/poke?token=[redacted]&x=1' },
      params: { From: '[redacted]', Called: '[redacted]' },
      caller: '[redacted]',
      msg: 'no caller for [phone], [phone] or [phone]; Bearer [redacted]',
    });
    expect(scrubLogLine('not json +1 215 555 0142\n')).toBe('not json [phone]\n');
  });
});

describe.each(storeTargets())('server security on $kind', (target) => {
  let test: TestServer;
  let token: string;

  beforeAll(async () => {
    test = await startTestServer(target, { seed: false, corsOrigins: [DESK_ORIGIN, OTHER_APP_ORIGIN] });
    token = await signIn(test.url, 'demo-calltaker');
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('sends security headers suited to an API on answers, errors and unknown paths', async () => {
    for (const response of [await fetch(`${test.url}/health`), await fetch(`${test.url}/twilio/token`), await fetch(`${test.url}/no/such/path`)]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it("answers CORS for the app's origins only", async () => {
    for (const origin of [DESK_ORIGIN, OTHER_APP_ORIGIN]) {
      const response = await fetch(`${test.url}/health`, { headers: { origin } });
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    }
    const stranger = await fetch(`${test.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await fetch(`${test.url}/sync/pull`, {
      method: 'OPTIONS',
      headers: { origin: DESK_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(DESK_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const strangerPreflight = await fetch(`${test.url}/sync/pull`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(strangerPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses bodies over the global limit with 413 in our format, and lets sync push carry more', async () => {
    const padding = 'x'.repeat(GLOBAL_BODY_LIMIT + 1024);
    const tooBig = await postJson(`${test.url}/auth/sign-in`, { agentId: 'demo-lead', password: DEMO_SEED_PASSWORD, padding });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });

    // The same size reaches sync push's own checks (an empty batch it refuses for its content, not its size).
    const push = await postJson(`${test.url}/sync/push`, { protocolVersion: SYNC_PROTOCOL_VERSION, clientId: 'security-test-desk', mutations: [], padding }, token);
    expect(push.status).not.toBe(413);
    expect(push.status).toBeLessThan(500);
  });

  it('answers the 21st sign-in for one account in a minute with 429 RATE_LIMITED, and other accounts still sign in', async () => {
    const statuses: number[] = [];
    const attempt = { agentId: 'demo-triage', password: DEMO_SEED_PASSWORD };
    for (let i = 0; i < 20; i++) statuses.push((await postJson(`${test.url}/auth/sign-in`, attempt)).status);
    expect(statuses).toEqual(Array(20).fill(200));
    const limited = await postJson(`${test.url}/auth/sign-in`, attempt);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toMatch(/at most 20 a minute/);
    // A call center behind one address is not locked out by one account's attempts.
    expect((await postJson(`${test.url}/auth/sign-in`, { agentId: 'demo-lead', password: DEMO_SEED_PASSWORD })).status).toBe(200);
    // Refused floods are not written to the audit log one by one.
    const [failed] = await test.server.store.query<{ n: number }>("SELECT count(*)::int8 AS n FROM audit_log WHERE action = 'auth.sign_in_failed'");
    expect(failed?.n).toBe(0);
  });

  it('counts Twilio webhooks (signed or not) and leaves signed-in routes alone', async () => {
    const webhook = await postForm(`${test.url}/twilio/voice`, { CallSid: `CA${'1'.repeat(32)}` });
    expect(webhook.status).toBe(403);
    expect(webhook.headers.get('x-ratelimit-limit')).toBe('1200');
    const tokenRoute = await fetch(`${test.url}/twilio/token`, { headers: { authorization: `Bearer ${token}` } });
    expect(tokenRoute.status).toBe(200);
    expect(tokenRoute.headers.get('x-ratelimit-limit')).toBeNull();
  });
});
