// Sign-in, lock and offline unlock in the desk host against a stand-in server on 127.0.0.1 and a
// real SQLite cache: what a sign-in leaves behind, what a restart resumes, the local unlock and its
// expiry, the gate on residents' data, the refresh token's life and the ways a session ends.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import type { DeskAuthState } from '../../../shared/desk-api.js';
import { openCache, startHost, type HostOptions, type RunningHost } from '../../fixtures/host/desk-host.js';
import { cityChangeLog, HOUSEHOLD_PHONE, uuid } from '../../fixtures/host/city-data.js';
import { startFakeCentralServer, TEST_ENROLLMENT_SECRET, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

const running: { hosts: RunningHost[]; servers: FakeCentralServer[] } = { hosts: [], servers: [] };

afterEach(async () => {
  for (const host of running.hosts.splice(0)) await host.close();
  for (const server of running.servers.splice(0)) await server.stop();
  removeTempDirs();
});

/** A clock the test moves; the host reads time only through it. */
function testClock(start = Date.parse('2026-12-01T08:00:00Z')) {
  let at = start;
  return { now: () => new Date(at), advance: (ms: number) => void (at += ms) };
}

async function fakeServer(): Promise<FakeCentralServer> {
  const server = await startFakeCentralServer(cityChangeLog(), 50);
  running.servers.push(server);
  return server;
}

async function hostAt(server: FakeCentralServer, dataDir: string, extra: Partial<HostOptions> = {}) {
  const host = await startHost({
    serverUrl: server.url, dataDir, agentId: 'demo-calltaker', pullIntervalMs: 60_000, closedCaseDays: 36_500, pokes: false, log: () => undefined, ...extra,
  });
  running.hosts.push(host);
  const authStates: DeskAuthState[] = [];
  host.desk.on('authState', (state) => authStates.push(state));
  return { host, authStates };
}

async function closeHost(host: RunningHost): Promise<void> {
  running.hosts.splice(running.hosts.indexOf(host), 1);
  await host.close();
}

const NEW_CASE = { callerId: null, serviceTypeCode: 'illegal-dumping', description: 'Tires in the alley', address: null, lat: null, lon: null } as const;

describe('desk sign-in', () => {
  it('starts signed out, refuses residents\' data, and opens with the password', async () => {
    const server = await fakeServer();
    const { host, authStates } = await hostAt(server, makeTempDir('sign-in'));
    expect(await host.desk.getAuthState({})).toMatchObject({ state: 'signed_out', agentId: 'demo-calltaker', reason: 'start', offlineUnlockUntil: null });
    await expect(host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).rejects.toMatchObject({ code: 'DESK_LOCKED' });
    // Signed out, sync waits without asking the server.
    expect(await host.syncOnce()).toMatchObject({ lastError: { code: 'UNAUTHORIZED' } });
    expect(server.pullCursors).toEqual([]);

    await expect(host.desk.signIn({ agentId: 'demo-calltaker', password: 'not the password' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const state = await host.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD });
    expect(state).toMatchObject({ state: 'unlocked', displayName: 'Demo Call-Taker', lockAfterMinutes: 15, reason: null });
    expect(authStates.at(-1)).toEqual(state);
    expect(server.authRequests.at(-1)?.body).toMatchObject({ agentId: 'demo-calltaker', clientId: expect.any(String) });
    expect(await host.syncOnce()).toMatchObject({ connection: 'online', lastError: null });
    expect((await host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).matches).toHaveLength(2);
  });

  it('keeps an Argon2id hash of the password (never the password) and the refresh token in the cache', async () => {
    const server = await fakeServer();
    const cacheKey = randomBytes(32);
    const { host } = await hostAt(server, makeTempDir('stored'), { password: DEMO_SEED_PASSWORD, cacheKey });
    await closeHost(host);
    const db = openCache(host.cachePath, { key: cacheKey });
    try {
      const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((row) => [row.key, row.value]));
      const verifier = JSON.parse(meta.offline_verifier ?? '{}') as Record<string, unknown>;
      expect(verifier).toMatchObject({ agentId: 'demo-calltaker', passwordHash: expect.stringMatching(/^\$argon2id\$/), policy: server.policy });
      expect(meta.refresh_token).toBe(server.liveRefreshTokens()[0]);
      expect(JSON.stringify(meta)).not.toContain(DEMO_SEED_PASSWORD);
    } finally {
      db.close();
    }
  });

  it('refuses another agent on a desk set up for one, naming it', async () => {
    const server = await fakeServer();
    const { host } = await hostAt(server, makeTempDir('other-agent'));
    await expect(host.desk.signIn({ agentId: 'demo-lead', password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({
      code: 'FORBIDDEN', message: expect.stringContaining('demo-calltaker'),
    });
    expect(server.authRequests).toEqual([]);
  });

  it('resumes locked after a restart, unlocks offline with the right password only, and syncs while locked', async () => {
    const server = await fakeServer();
    const dataDir = makeTempDir('restart');
    const first = await hostAt(server, dataDir, { password: DEMO_SEED_PASSWORD });
    await first.host.syncOnce();
    await closeHost(first.host);

    const { host } = await hostAt(server, dataDir);
    expect(await host.desk.getAuthState({})).toMatchObject({ state: 'locked', reason: 'start', displayName: 'Demo Call-Taker', offlineUnlockUntil: expect.any(String) });
    // The kept refresh token carries sync on while the desk is locked.
    server.changes = [...server.changes, { op: 'put', entity: 'service_type', id: 'graffiti', version: 1_000, row: { code: 'graffiti', name: 'Graffiti Removal', agency: 'CLIP', active: true, needsLocation: true } }];
    const synced = await host.syncOnce();
    expect(synced).toMatchObject({ connection: 'online', lastError: null, cursor: 1_000 });
    expect(server.authRequests.map((request) => request.path)).toContain('/auth/refresh');
    await expect(host.desk.listServiceTypes({})).rejects.toMatchObject({ code: 'DESK_LOCKED' });

    await server.stop();
    await expect(host.desk.unlock({ password: 'wrong password' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await host.desk.unlock({ password: DEMO_SEED_PASSWORD })).toMatchObject({ state: 'unlocked' });
    expect((await host.desk.listServiceTypes({})).map((type) => type.code)).toContain('graffiti');
  });

  it('signs in offline with the verifier of the last online sign-in, and not after it expired', async () => {
    const server = await fakeServer();
    const dataDir = makeTempDir('offline');
    const clock = testClock();
    const first = await hostAt(server, dataDir, { password: DEMO_SEED_PASSWORD, now: clock.now });
    await closeHost(first.host);
    await server.stop();

    // A cold start with the server down: the start-up sign-in falls back to the verifier.
    const { host } = await hostAt(server, dataDir, { password: DEMO_SEED_PASSWORD, now: clock.now });
    expect(await host.desk.getAuthState({})).toMatchObject({ state: 'unlocked', offlineUnlockUntil: '2026-12-01T20:00:00.000Z' });
    await host.desk.lock({ reason: 'manual' });

    clock.advance(12 * 3_600_000 + 1);
    await expect(host.desk.unlock({ password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({ code: 'OFFLINE_UNLOCK_EXPIRED' });
    await expect(host.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({ code: 'OFFLINE_UNLOCK_EXPIRED' });
    expect((await host.desk.getAuthState({})).state).toBe('locked');

    // With the server back, the same unlock is a real sign-in, and the window starts again.
    await server.restart();
    expect(await host.desk.unlock({ password: DEMO_SEED_PASSWORD })).toMatchObject({ state: 'unlocked', offlineUnlockUntil: '2026-12-02T08:00:00.001Z' });
  });

  it('turns offline unlock off after five wrong passwords in a row, counted across restarts', async () => {
    const server = await fakeServer();
    const dataDir = makeTempDir('guesses');
    const first = await hostAt(server, dataDir, { password: DEMO_SEED_PASSWORD });
    await closeHost(first.host);
    await server.stop();

    let { host } = await hostAt(server, dataDir);
    for (const _ of [1, 2, 3]) await expect(host.desk.unlock({ password: 'guess' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // A restart does not give a guesser a fresh count.
    await closeHost(host);
    ({ host } = await hostAt(server, dataDir));
    await expect(host.desk.unlock({ password: 'guess' })).rejects.toMatchObject({ message: expect.stringContaining('1 more') });
    await expect(host.desk.unlock({ password: 'guess' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await host.desk.getAuthState({})).toMatchObject({ state: 'locked', offlineUnlockUntil: null });
    // Even the right password now needs the server, which is down.
    await expect(host.desk.unlock({ password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });

    await server.restart();
    expect(await host.desk.unlock({ password: DEMO_SEED_PASSWORD })).toMatchObject({ state: 'unlocked', offlineUnlockUntil: expect.any(String) });
  });

  it('says a first sign-in needs the server when nobody has signed in on the desk', async () => {
    const server = await fakeServer();
    await server.stop();
    const { host } = await hostAt(server, makeTempDir('first-offline'));
    await expect(host.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    expect((await host.desk.getAuthState({})).state).toBe('signed_out');
  });

  it('locks: data methods are refused, the phone\'s methods go through, and the password unlocks', async () => {
    const server = await fakeServer();
    server.call = {
      callId: uuid(900), callSid: 'CA0001', agentId: 'demo-calltaker', from: HOUSEHOLD_PHONE, queue: 'general', is911Transfer: false,
      phase: 'ringing', onHold: false, transfer: null, disposition: null, caseId: null, timeline: [],
    };
    const { host, authStates } = await hostAt(server, makeTempDir('lock'), { password: DEMO_SEED_PASSWORD });
    await host.syncOnce();
    const created = await host.desk.createCase(NEW_CASE);

    expect(await host.desk.lock({ reason: 'manual' })).toMatchObject({ state: 'locked', reason: 'manual' });
    expect(authStates.at(-1)).toMatchObject({ state: 'locked', reason: 'manual' });
    for (const refused of [
      host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE }),
      host.desk.getCase({ caseId: created.id }),
      host.desk.searchCases({ query: 'tires' }),
      host.desk.createCase(NEW_CASE),
      host.desk.listOutbox({}),
      host.desk.listTriageProtocols({}),
      host.desk.watchWallboard({ watcherId: 'watcher-0001' }),
    ]) {
      await expect(refused).rejects.toMatchObject({ code: 'DESK_LOCKED' });
    }
    expect((await host.desk.getSession({})).agent.id).toBe('demo-calltaker');
    expect((await host.desk.getSyncStatus({})).pendingMutations).toBe(1);
    expect((await host.desk.setAgentState({ state: 'available' })).state).toBe('available');
    expect((await host.desk.getVoiceToken({})).identity).toBe('demo-calltaker');
    expect((await host.desk.getCallState({ callId: uuid(900) })).phase).toBe('ringing');

    await expect(host.desk.unlock({ password: 'wrong password' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await host.desk.unlock({ password: DEMO_SEED_PASSWORD })).toMatchObject({ state: 'unlocked' });
    expect((await host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).matches).toHaveLength(2);
  });

  it('asks a second factor\'s enrollment, then opens with the first code', async () => {
    const server = await fakeServer();
    server.totpEnrollmentCode = '246810';
    const { host } = await hostAt(server, makeTempDir('enroll'));
    const enrolling = await host.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD });
    expect(enrolling).toMatchObject({ state: 'totp_enrollment', enrollment: { secret: TEST_ENROLLMENT_SECRET, otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//) } });
    await expect(host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).rejects.toMatchObject({ code: 'DESK_LOCKED' });
    await expect(host.desk.completeTotpEnrollment({ totpCode: '000000' })).rejects.toMatchObject({ code: 'TOTP_INVALID' });
    expect(await host.desk.completeTotpEnrollment({ totpCode: '246810' })).toMatchObject({ state: 'unlocked', enrollment: null });
    // The verifier came from the password given before the code: offline unlock works.
    await host.desk.lock({ reason: 'inactivity' });
    await server.stop();
    expect(await host.desk.unlock({ password: DEMO_SEED_PASSWORD })).toMatchObject({ state: 'unlocked' });
  });
});

describe('the session with the server', () => {
  it('renews the access token on a 401 and before it runs out, rotating the refresh token', async () => {
    const server = await fakeServer();
    const clock = testClock(Date.now());
    server.now = () => clock.now().getTime();
    const { host } = await hostAt(server, makeTempDir('refresh'), { password: DEMO_SEED_PASSWORD, now: clock.now });
    await host.syncOnce();
    const refreshes = () => server.authRequests.filter((request) => request.path === '/auth/refresh');
    expect(refreshes()).toHaveLength(0);

    server.expireAccessTokens();
    expect(await host.syncOnce()).toMatchObject({ connection: 'online', lastError: null });
    expect(refreshes()).toHaveLength(1);
    expect(server.authHeaders.filter((header) => header === `Bearer ${server.accessTokens().at(-1)}`).length).toBeGreaterThan(0);
    expect(server.liveRefreshTokens()).toHaveLength(1);

    // Within a minute of the end of its 15: renewed first, so the server never says 401.
    const before401s = server.authHeaders.length;
    clock.advance(14.5 * 60_000);
    expect(await host.syncOnce()).toMatchObject({ lastError: null });
    expect(refreshes()).toHaveLength(2);
    expect(server.authHeaders.slice(before401s).every((header) => header === `Bearer ${server.accessTokens().at(-1)}`)).toBe(true);
  });

  it('ends in signed_out/session_ended when the server refuses the refresh token', async () => {
    const server = await fakeServer();
    const dataDir = makeTempDir('ended');
    const { host, authStates } = await hostAt(server, dataDir, { password: DEMO_SEED_PASSWORD });
    await host.syncOnce();

    server.revokeAllSessions();
    const status = await host.syncOnce();
    expect(status.lastError?.code).toBe('UNAUTHORIZED');
    expect(authStates.at(-1)).toMatchObject({ state: 'signed_out', reason: 'session_ended', offlineUnlockUntil: null });
    await expect(host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).rejects.toMatchObject({ code: 'DESK_LOCKED' });
    // Nothing is kept that would open the desk offline.
    await server.stop();
    await expect(host.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    await closeHost(host);
    await server.restart();
    const again = await hostAt(server, dataDir);
    expect((await again.host.desk.getAuthState({})).state).toBe('signed_out');
  });

  it('signs out everywhere: the server ends every session, the desk forgets, and unsent changes wait for the next sign-in', async () => {
    const server = await fakeServer();
    const dataDir = makeTempDir('sign-out');
    const { host } = await hostAt(server, dataDir, { password: DEMO_SEED_PASSWORD });
    await host.syncOnce();
    await server.stop();
    const created = await host.desk.createCase(NEW_CASE);
    await server.restart();

    server.onPush = () => {
      throw new Error('nothing is pushed while signed out');
    };
    expect(await host.desk.signOut({ everywhere: true })).toMatchObject({ state: 'signed_out', reason: 'signed_out_everywhere' });
    expect(server.authRequests.at(-1)?.path).toBe('/auth/sign-out-everywhere');
    expect(server.liveRefreshTokens()).toEqual([]);
    expect(await host.syncOnce()).toMatchObject({ pendingMutations: 1, lastError: { code: 'UNAUTHORIZED' } });
    expect(server.pushes).toEqual([]);
    await closeHost(host);

    server.onPush = null;
    const { host: next } = await hostAt(server, dataDir);
    expect((await next.desk.getAuthState({})).state).toBe('signed_out');
    await next.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD });
    expect(await next.syncOnce()).toMatchObject({ pendingMutations: 0, lastError: null });
    expect(server.pushes.flatMap((push) => push.mutations)).toContainEqual(expect.objectContaining({ name: 'createCase', args: expect.objectContaining({ id: created.id }) }));
  });

  it('signs out offline all the same: the refresh token and the verifier are forgotten', async () => {
    const server = await fakeServer();
    const dataDir = makeTempDir('sign-out-offline');
    const { host } = await hostAt(server, dataDir, { password: DEMO_SEED_PASSWORD });
    await server.stop();
    expect(await host.desk.signOut({ everywhere: false })).toMatchObject({ state: 'signed_out', reason: 'signed_out' });
    await expect(host.desk.signIn({ agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD })).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    await closeHost(host);
    const again = await hostAt(server, dataDir);
    expect((await again.host.desk.getAuthState({})).state).toBe('signed_out');
  });
});
