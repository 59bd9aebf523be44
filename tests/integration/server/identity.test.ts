// Real sign-in on a real server, on each store: passwords (right, wrong, unknown agent, none),
// lockout and unlock, refresh rotation and reuse, sign-out (here and everywhere) taking effect at
// once over HTTP and on the sockets, expiry, the second factor (enrollment, required, wrong,
// replayed, by role), password changes, the admins' routes, and the audit trail they leave. The
// server's clock is the test's (config `now`), so lockouts and expiry need no waiting.
import { Secret, TOTP } from 'otpauth';
import WebSocket from 'ws';
import { SESSION_ENDED_CLOSE_CODE } from '../../../server/auth/session-sockets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../server/audit/audit-log.js';
import { DEMO_SEED_PASSWORD, loadServerConfig } from '../../../server/config.js';
import { LIVE_WALLBOARD_PATH } from '../../../shared/live-protocol.js';
import { ServerErrorBodySchema, SignedInSchema, SignInResponseSchema, TotpEnrollmentRequiredSchema, type SignedIn } from '../../../shared/server-api.js';
import { SYNC_POKE_PATH } from '../../../shared/sync-protocol.js';
import { givePasswords, postJson, startTestServer, storeTargets, type TestServer } from './helpers.js';

const ADMIN = 'identity-admin';
const SPARE = 'identity-spare';
const NO_PASSWORD = 'identity-nopass';
const NEW_PASSWORD = 'correct horse battery staple';
const STEP_MS = 30_000;

/** The server's clock: real time moved forward by the test. */
class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

function codeAt(secret: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at.getTime() });
}

async function errorOf(response: Response): Promise<{ status: number; code: string; details?: unknown }> {
  const body = ServerErrorBodySchema.parse(await response.json());
  return { status: response.status, code: body.error.code, ...(body.error.details === undefined ? {} : { details: body.error.details }) };
}

/** Whether a `?token=` socket opens (true) or the upgrade is refused (its HTTP status). */
function socketOutcome(url: string): Promise<true | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(true);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

/** An open `?token=` socket and the close code it gets. */
async function openSocket(url: string): Promise<{ closed: Promise<number>; socket: WebSocket }> {
  const socket = new WebSocket(url);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { closed, socket };
}

describe.each(storeTargets())('sign-in on $kind', (target) => {
  let test: TestServer;
  const clock = new TestClock();
  const secrets = new Map<string, { secret: string; lastStep: number }>();

  const signInRaw = (agentId: string, password: string, totpCode?: string) =>
    postJson(`${test.url}/auth/sign-in`, { agentId, password, ...(totpCode === undefined ? {} : { totpCode }) });
  const stepNow = () => Math.floor(clock.now().getTime() / STEP_MS);
  /** A code for a step the server has not seen yet: the clock moves on a step when it must. */
  const freshCode = (agentId: string): string => {
    const known = secrets.get(agentId);
    if (!known) throw new Error(`${agentId} has no authenticator`);
    if (stepNow() <= known.lastStep) clock.advance(STEP_MS);
    known.lastStep = stepNow();
    return codeAt(known.secret, clock.now());
  };
  /** Signs in as a desk would, setting up the authenticator when the server asks. */
  const signIn = async (agentId: string, password = DEMO_SEED_PASSWORD): Promise<SignedIn> => {
    const response = await signInRaw(agentId, password, secrets.has(agentId) ? freshCode(agentId) : undefined);
    expect(response.status, `sign-in of ${agentId}`).toBe(200);
    const answer = SignInResponseSchema.parse(await response.json());
    if (answer.status === 'signed_in') return answer;
    secrets.set(agentId, { secret: answer.secret, lastStep: stepNow() });
    const enrolled = await postJson(`${test.url}/auth/totp/enroll`, { enrollmentToken: answer.enrollmentToken, totpCode: codeAt(answer.secret, clock.now()) });
    expect(enrolled.status).toBe(200);
    return SignedInSchema.parse(await enrolled.json());
  };
  const authorized = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${test.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** A signed-in route every role may use: 200 while the session is open, 401 after. */
  const probe = async (token: string): Promise<number> => (await authorized('POST', '/sync/pull', token, { protocolVersion: 1, schemaVersion: 1, clientId: 'identity-desk-01', cursor: 0, limit: 1 })).status;
  const socketUrl = (path: string, token: string) => `${test.url.replace(/^http/, 'ws')}${path}?token=${encodeURIComponent(token)}`;
  const auditActions = async (objectId: string): Promise<string[]> =>
    (await test.server.store.query<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq', [objectId])).map((row) => row.action);

  beforeAll(async () => {
    // Many attempts at one account: the per-minute limit (security.test.ts) is not what is tested here.
    // Open sockets are checked against their sessions every 200 ms, for the other-instance case.
    test = await startTestServer(target, { seed: false, now: clock.now, signInRateLimit: 1000, socketRecheckSeconds: 0.2 });
    await test.server.store.query(
      `INSERT INTO agents (id, display_name, role, skills, state, state_since) VALUES
         ($1, 'Identity Admin', 'admin', '{}', 'offline', now()),
         ($2, 'Spare Taker', 'call_taker', '{general}', 'offline', now()),
         ($3, 'No Password', 'call_taker', '{general}', 'offline', now())`,
      [ADMIN, SPARE, NO_PASSWORD],
    );
    await givePasswords(test.server.store, [ADMIN, SPARE]);
  }, 60_000);
  afterAll(async () => {
    await test?.dispose();
  });

  it('signs in with the right password, and refuses a wrong one, an unknown agent and one with no password alike', async () => {
    const signedIn = await signIn('demo-calltaker');
    expect(signedIn).toMatchObject({ status: 'signed_in', agent: { id: 'demo-calltaker', role: 'call_taker' }, policy: { offlineUnlockHours: 12, lockAfterMinutes: 10 } });
    expect(Date.parse(signedIn.accessExpiresAt) - clock.now().getTime()).toBeLessThanOrEqual(15 * 60_000);
    expect(Date.parse(signedIn.accessExpiresAt) - clock.now().getTime()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(signedIn.refreshExpiresAt) - clock.now().getTime()).toBeGreaterThan(11.9 * 3_600_000);
    expect(await probe(signedIn.accessToken)).toBe(200);
    const [session] = await test.server.store.query<{ refresh_token_hash: string }>('SELECT refresh_token_hash FROM auth_sessions WHERE id = $1', [signedIn.sessionId]);
    expect(session?.refresh_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(session?.refresh_token_hash).not.toContain(signedIn.refreshToken);

    const answers = [];
    for (const [agentId, password] of [['demo-calltaker', 'not-the-password'], ['nobody-at-all', DEMO_SEED_PASSWORD], [NO_PASSWORD, DEMO_SEED_PASSWORD]] as const) {
      const response = await signInRaw(agentId, password);
      answers.push(ServerErrorBodySchema.parse(await response.json()).error);
      expect(response.status).toBe(401);
    }
    expect(new Set(answers.map((error) => JSON.stringify(error))).size).toBe(1);
    expect(answers[0]?.code).toBe('INVALID_CREDENTIALS');
    const [stored] = await test.server.store.query<{ password_hash: string }>('SELECT password_hash FROM agent_credentials WHERE agent_id = $1', ['demo-calltaker']);
    expect(stored?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await signIn('demo-calltaker'); // success resets the counter
  });

  it('locks an account after 5 failures, refuses even the right password, and unlocks after 15 minutes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signInRaw(SPARE, `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const fifth = await errorOf(await signInRaw(SPARE, 'wrong-4'));
    expect(fifth).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED', details: { lockedUntil: expect.any(String) } });
    const lockedUntil = Date.parse((fifth.details as { lockedUntil: string }).lockedUntil);
    expect(lockedUntil - clock.now().getTime()).toBeGreaterThan(14 * 60_000);
    expect(await errorOf(await signInRaw(SPARE, DEMO_SEED_PASSWORD))).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED' });
    clock.advance(15 * 60_000 + 1000);
    expect((await signInRaw(SPARE, DEMO_SEED_PASSWORD)).status).toBe(200);
    expect(await auditActions(SPARE)).toContain('auth.locked_out');
  });

  it('lets an admin unlock an account at once', async () => {
    for (let i = 0; i < 5; i++) await signInRaw(SPARE, `wrong-again-${i}`);
    expect((await signInRaw(SPARE, DEMO_SEED_PASSWORD)).status).toBe(423);
    const admin = await signIn(ADMIN);
    expect((await authorized('POST', `/admin/agents/${SPARE}/unlock`, admin.accessToken)).status).toBe(200);
    expect((await signInRaw(SPARE, DEMO_SEED_PASSWORD)).status).toBe(200);
    expect(await auditActions(SPARE)).toContain('auth.unlocked');
  });

  it('rotates refresh tokens, and ends the session when a spent one comes back', async () => {
    const first = await signIn('demo-triage');
    const refreshed = SignedInSchema.parse(await (await postJson(`${test.url}/auth/refresh`, { refreshToken: first.refreshToken })).json());
    expect(refreshed.sessionId).toBe(first.sessionId);
    expect(refreshed.refreshToken).not.toBe(first.refreshToken);
    expect(refreshed.refreshExpiresAt).toBe(first.refreshExpiresAt);
    expect(await probe(refreshed.accessToken)).toBe(200);

    const reused = await postJson(`${test.url}/auth/refresh`, { refreshToken: first.refreshToken });
    expect(await errorOf(reused)).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    // Whoever holds the newer tokens is out too: the thief may be the one who refreshed.
    expect(await probe(refreshed.accessToken)).toBe(401);
    expect((await postJson(`${test.url}/auth/refresh`, { refreshToken: refreshed.refreshToken })).status).toBe(401);
    expect((await postJson(`${test.url}/auth/refresh`, { refreshToken: `fdr_${'A'.repeat(43)}` })).status).toBe(401);
    expect(await auditActions('demo-triage')).toContain('auth.refresh_reuse');
  });

  it('refuses an expired access token, while the refresh token still gets a new one', async () => {
    const signedIn = await signIn('demo-triage');
    clock.advance(16 * 60_000);
    expect(await probe(signedIn.accessToken)).toBe(401);
    const refreshed = SignedInSchema.parse(await (await postJson(`${test.url}/auth/refresh`, { refreshToken: signedIn.refreshToken })).json());
    expect(await probe(refreshed.accessToken)).toBe(200);
  });

  it('ends a session at sign-out: its access token fails at once, over HTTP and on the poke socket', async () => {
    const kept = await signIn('demo-calltaker');
    const leaving = await signIn('demo-calltaker');
    expect(await socketOutcome(socketUrl(SYNC_POKE_PATH, leaving.accessToken))).toBe(true);
    const out = await authorized('POST', '/auth/sign-out', leaving.accessToken);
    expect(await out.json()).toEqual({ revokedSessions: 1 });
    expect(await probe(leaving.accessToken)).toBe(401);
    expect(await socketOutcome(socketUrl(SYNC_POKE_PATH, leaving.accessToken))).toBe(401);
    expect((await postJson(`${test.url}/auth/refresh`, { refreshToken: leaving.refreshToken })).status).toBe(401);
    expect(await probe(kept.accessToken)).toBe(200);
  });

  it('ends every session of the agent at sign-out everywhere, the wallboard socket included', async () => {
    const desk = await signIn('demo-lead');
    const laptop = await signIn('demo-lead');
    expect(await socketOutcome(socketUrl(LIVE_WALLBOARD_PATH, desk.accessToken))).toBe(true);
    const other = await signIn('demo-calltaker');
    const out = await authorized('POST', '/auth/sign-out-everywhere', laptop.accessToken);
    expect(((await out.json()) as { revokedSessions: number }).revokedSessions).toBeGreaterThanOrEqual(2);
    for (const token of [desk.accessToken, laptop.accessToken]) expect(await probe(token)).toBe(401);
    expect(await socketOutcome(socketUrl(LIVE_WALLBOARD_PATH, desk.accessToken))).toBe(401);
    expect(await probe(other.accessToken)).toBe(200);
    expect(await auditActions('demo-lead')).toContain('auth.sign_out');
  });

  it('closes sockets already open when their session ends: at once here, within the recheck when another instance ended it', async () => {
    const lead = await signIn('demo-lead');
    const wallboard = await openSocket(socketUrl(LIVE_WALLBOARD_PATH, lead.accessToken));
    await authorized('POST', '/auth/sign-out-everywhere', lead.accessToken);
    expect(await wallboard.closed).toBe(SESSION_ENDED_CLOSE_CODE);

    const desk = await signIn('demo-calltaker');
    const poke = await openSocket(socketUrl(SYNC_POKE_PATH, desk.accessToken));
    // What a sign-out on another instance leaves in the shared database.
    await test.server.store.query('UPDATE auth_sessions SET revoked_at = now() WHERE id = $1::uuid', [desk.sessionId]);
    expect(await poke.closed).toBe(SESSION_ENDED_CLOSE_CODE);

    const still = await signIn('demo-calltaker');
    const open = await openSocket(socketUrl(SYNC_POKE_PATH, still.accessToken));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(open.socket.readyState).toBe(WebSocket.OPEN);
    open.socket.close();
  });

  it('has a team lead set up an authenticator, then asks for a fresh code at every sign-in', async () => {
    // demo-lead enrolled above; this one starts from nothing.
    await test.server.store.query(
      "INSERT INTO agents (id, display_name, role, skills, state, state_since) VALUES ('identity-lead', 'New Lead', 'team_lead', '{}', 'offline', now())",
    );
    await givePasswords(test.server.store, ['identity-lead']);
    const first = TotpEnrollmentRequiredSchema.parse(await (await signInRaw('identity-lead', DEMO_SEED_PASSWORD)).json());
    expect(first.otpauthUri).toContain('otpauth://totp/Frontdesk311:identity-lead?');
    expect(first.otpauthUri).toContain('issuer=Frontdesk311');
    const wrongFirst = await postJson(`${test.url}/auth/totp/enroll`, { enrollmentToken: first.enrollmentToken, totpCode: codeAt(first.secret, new Date(clock.now().getTime() + 10 * STEP_MS)) });
    expect(await errorOf(wrongFirst)).toMatchObject({ status: 401, code: 'TOTP_INVALID' });
    const forged = await postJson(`${test.url}/auth/totp/enroll`, { enrollmentToken: `${first.enrollmentToken.slice(0, -2)}xx`, totpCode: codeAt(first.secret, clock.now()) });
    expect(forged.status).toBe(401);
    const enrolled = await postJson(`${test.url}/auth/totp/enroll`, { enrollmentToken: first.enrollmentToken, totpCode: codeAt(first.secret, clock.now()) });
    expect(SignedInSchema.parse(await enrolled.json()).agent.id).toBe('identity-lead');
    // The same set-up again cannot replace the secret now stored.
    expect((await postJson(`${test.url}/auth/totp/enroll`, { enrollmentToken: first.enrollmentToken, totpCode: codeAt(first.secret, clock.now()) })).status).toBe(409);
    const enrolledStep = Math.floor(clock.now().getTime() / STEP_MS);

    expect(await errorOf(await signInRaw('identity-lead', DEMO_SEED_PASSWORD))).toMatchObject({ status: 401, code: 'TOTP_REQUIRED' });
    // The code the enrollment used is spent.
    expect(await errorOf(await signInRaw('identity-lead', DEMO_SEED_PASSWORD, codeAt(first.secret, clock.now())))).toMatchObject({ status: 401, code: 'TOTP_INVALID' });
    clock.advance(STEP_MS);
    expect(Math.floor(clock.now().getTime() / STEP_MS)).toBeGreaterThan(enrolledStep);
    const code = codeAt(first.secret, clock.now());
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await errorOf(await signInRaw('identity-lead', DEMO_SEED_PASSWORD, wrong))).toMatchObject({ status: 401, code: 'TOTP_INVALID' });
    expect((await signInRaw('identity-lead', DEMO_SEED_PASSWORD, code)).status).toBe(200);
    // Replayed within its 30 seconds: refused.
    expect(await errorOf(await signInRaw('identity-lead', DEMO_SEED_PASSWORD, code))).toMatchObject({ status: 401, code: 'TOTP_INVALID' });
    // A right code never rescues a wrong password.
    clock.advance(STEP_MS);
    expect(await errorOf(await signInRaw('identity-lead', 'wrong-password', codeAt(first.secret, clock.now())))).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(await auditActions('identity-lead')).toEqual(expect.arrayContaining(['auth.totp_enrolled', 'auth.sign_in', 'auth.sign_in_failed']));
  });

  it('counts wrong authenticator codes towards the lockout', async () => {
    for (let i = 0; i < 4; i++) expect((await signInRaw('identity-lead', DEMO_SEED_PASSWORD, '000000')).status).not.toBe(200);
    expect(await errorOf(await signInRaw('identity-lead', DEMO_SEED_PASSWORD, '999999'))).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED' });
    const admin = await signIn(ADMIN);
    expect((await authorized('POST', '/admin/agents/identity-lead/unlock', admin.accessToken)).status).toBe(200);
  });

  it('signs the other sessions out when an agent changes their password', async () => {
    const here = await signIn(SPARE);
    const there = await signIn(SPARE);
    const wrong = await authorized('PUT', '/auth/password', here.accessToken, { currentPassword: 'not-it-at-all', newPassword: NEW_PASSWORD });
    expect(await errorOf(wrong)).toMatchObject({ status: 403, code: 'INVALID_CREDENTIALS' });
    expect((await authorized('PUT', '/auth/password', here.accessToken, { currentPassword: DEMO_SEED_PASSWORD, newPassword: 'short' })).status).toBe(400);
    expect((await authorized('PUT', '/auth/password', here.accessToken, { currentPassword: DEMO_SEED_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(200);
    expect(await probe(here.accessToken)).toBe(200);
    expect(await probe(there.accessToken)).toBe(401);
    expect((await signInRaw(SPARE, DEMO_SEED_PASSWORD)).status).toBe(401);
    expect((await signInRaw(SPARE, NEW_PASSWORD)).status).toBe(200);
    expect(await auditActions(SPARE)).toContain('auth.password_changed');
  });

  it('keeps the admin routes to admins, and lets them set a password and reset a second factor', async () => {
    const lead = await signIn('demo-lead');
    const taker = await signIn('demo-calltaker');
    for (const token of [lead.accessToken, taker.accessToken]) {
      expect(await errorOf(await authorized('PUT', `/admin/agents/${SPARE}/password`, token, { newPassword: NEW_PASSWORD }))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect((await authorized('DELETE', '/admin/agents/demo-lead/totp', token)).status).toBe(403);
      expect((await authorized('POST', `/admin/agents/${SPARE}/unlock`, token)).status).toBe(403);
    }
    const admin = await signIn(ADMIN);
    expect((await authorized('PUT', '/admin/agents/nobody-here/password', admin.accessToken, { newPassword: NEW_PASSWORD })).status).toBe(404);

    const spareSession = await signIn(SPARE, NEW_PASSWORD);
    expect((await authorized('PUT', `/admin/agents/${SPARE}/password`, admin.accessToken, { newPassword: 'set-by-the-admin-311' })).status).toBe(200);
    expect(await probe(spareSession.accessToken)).toBe(401);
    expect((await signInRaw(SPARE, 'set-by-the-admin-311')).status).toBe(200);

    expect((await authorized('DELETE', '/admin/agents/demo-lead/totp', admin.accessToken)).status).toBe(200);
    expect(await probe(lead.accessToken)).toBe(401);
    const again = SignInResponseSchema.parse(await (await signInRaw('demo-lead', DEMO_SEED_PASSWORD)).json());
    expect(again.status).toBe('totp_enrollment_required');
    secrets.delete('demo-lead');
    expect(await auditActions(SPARE)).toContain('auth.password_set');
    expect(await auditActions('demo-lead')).toContain('auth.totp_reset');
  });

  it('needs a second factor for the configured roles only, and always once enrolled', async () => {
    const other = await startTestServer(target, { seed: false, totpRequiredRoles: ['call_taker'] });
    try {
      const taker = SignInResponseSchema.parse(await (await postJson(`${other.url}/auth/sign-in`, { agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD })).json());
      expect(taker.status).toBe('totp_enrollment_required');
      const lead = SignInResponseSchema.parse(await (await postJson(`${other.url}/auth/sign-in`, { agentId: 'demo-lead', password: DEMO_SEED_PASSWORD })).json());
      expect(lead.status).toBe('signed_in');
    } finally {
      await other.dispose();
    }
    // An agent with a second factor needs it whatever their role: a call-taker given one here.
    const secret = new Secret({ size: 20 }).base32;
    await test.server.store.query('UPDATE agent_credentials SET totp_secret = $2, totp_enrolled_at = now() WHERE agent_id = $1', [SPARE, secret]);
    expect(await errorOf(await signInRaw(SPARE, 'set-by-the-admin-311'))).toMatchObject({ status: 401, code: 'TOTP_REQUIRED' });
    clock.advance(STEP_MS);
    expect((await signInRaw(SPARE, 'set-by-the-admin-311', codeAt(secret, clock.now()))).status).toBe(200);
    expect(loadServerConfig({ HOME: '/tmp', FRONTDESK_TOTP_REQUIRED_ROLES: '' }).totpRequiredRoles).toEqual([]);
    expect(loadServerConfig({ HOME: '/tmp' }).totpRequiredRoles).toEqual(['team_lead', 'admin']);
    expect(loadServerConfig({ HOME: '/tmp', FRONTDESK_TOTP_REQUIRED_ROLES: 'admin, call_taker' }).totpRequiredRoles).toEqual(['admin', 'call_taker']);
  });

  it('gives simulated agents the seed password', async () => {
    const created = await postJson(`${test.url}/sim/agents`, { count: 2 });
    expect(created.status).toBe(200);
    expect((await signInRaw('sim-agent-002', DEMO_SEED_PASSWORD)).status).toBe(200);
  });

  it('left an intact audit chain with every kind of sign-in event', async () => {
    expect(await verifyAuditChain(test.server.store)).toMatchObject({ ok: true });
    const actions = new Set((await test.server.store.query<{ action: string }>('SELECT DISTINCT action FROM audit_log')).map((row) => row.action));
    for (const action of ['auth.sign_in', 'auth.sign_in_failed', 'auth.locked_out', 'auth.totp_enrolled', 'auth.refresh_reuse', 'auth.sign_out',
      'auth.password_changed', 'auth.password_set', 'auth.totp_reset', 'auth.unlocked']) {
      expect(actions, action).toContain(action);
    }
    const texts = (await test.server.store.query<{ t: string }>('SELECT details::text AS t FROM audit_log')).map((row) => row.t).join('\n');
    for (const secret of [DEMO_SEED_PASSWORD, NEW_PASSWORD, 'set-by-the-admin-311']) expect(texts).not.toContain(secret);
  });
});
