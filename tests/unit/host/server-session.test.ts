// The session's tokens against the stand-in server: concurrent requests share one refresh (the
// refresh token rotates, so a second use would be reuse), a refused refresh ends the session once
// and forgets the token, an unreachable server keeps it for later, and requests safe to repeat
// (sync, sign-out) reach a restarted server although the kept-alive connection died with the old one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServerSession } from '../../../electron/host/sync/server-session.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';

const servers: FakeCentralServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function signedInSession() {
  const server = await startFakeCentralServer([]);
  servers.push(server);
  let at = Date.now();
  server.now = () => at;
  let stored: string | null = null;
  const ended = vi.fn();
  const session = new ServerSession({
    serverUrl: server.url, agentId: 'demo-calltaker', requestTimeoutMs: 2_000, now: () => new Date(at),
    refreshTokens: { read: () => stored, write: (token) => (stored = token) },
    onSessionEnded: ended,
  });
  const answer = await session.signInWithPassword(DEMO_SEED_PASSWORD);
  expect(answer.status).toBe('signed_in');
  return { server, session, ended, stored: () => stored, advance: (ms: number) => void (at += ms) };
}

const refreshes = (server: FakeCentralServer) => server.authRequests.filter((request) => request.path === '/auth/refresh').length;

describe('server session tokens', () => {
  it('renews once for many concurrent callers, and rotates the stored refresh token', async () => {
    const { server, session, stored, advance } = await signedInSession();
    const first = stored();
    advance(16 * 60_000);
    await Promise.all([session.ensureSignedIn(), session.ensureSignedIn(), session.voiceToken(), session.callState('0190a8f2-7b1c-7c3e-8f00-000000000001').catch(() => null)]);
    expect(refreshes(server)).toBe(1);
    expect(stored()).not.toBe(first);
    expect(server.liveRefreshTokens()).toEqual([stored()]);
  });

  it('ends the session once when the refresh token is refused, and forgets it', async () => {
    const { server, session, ended, stored, advance } = await signedInSession();
    server.revokeAllSessions();
    advance(16 * 60_000);
    await expect(session.voiceToken()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(ended).toHaveBeenCalledTimes(1);
    expect(stored()).toBeNull();
    // No refresh token left: no request at all.
    const asked = server.authRequests.length;
    await expect(session.ensureSignedIn()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(server.authRequests.length).toBe(asked);
  });

  it('keeps the refresh token while the server is unreachable', async () => {
    const { server, session, ended, stored, advance } = await signedInSession();
    const kept = stored();
    await server.stop();
    advance(16 * 60_000);
    await expect(session.ensureSignedIn()).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    expect(stored()).toBe(kept);
    expect(ended).not.toHaveBeenCalled();
    await server.restart();
    await session.ensureSignedIn();
    expect(stored()).not.toBe(kept);
  });

  it('sends a pull and a push again on a new connection when the kept-alive one died with a restarted server', async () => {
    const { server, session } = await signedInSession();
    const base = { protocolVersion: 1, schemaVersion: 1, clientId: 'desk-restart-test' } as const;
    await session.voiceToken();
    await server.stop();
    await server.restart();
    expect(await session.pull({ ...base, cursor: 0, limit: 10 })).toMatchObject({ cursor: 0, hasMore: false });
    await server.stop();
    await server.restart();
    const note = { id: '0190a8f2-7b1c-7c3e-8f00-0000000000aa', caseId: '0190a8f2-7b1c-7c3e-8f00-000000000001', text: 'Called back.' };
    const push = await session.push({ ...base, mutations: [{ id: 1, name: 'addNote', args: note, createdAt: new Date().toISOString() }] });
    expect(push.results).toEqual([{ id: 1, status: 'applied', conflictIds: [] }]);
    expect(server.pushes).toHaveLength(1);
  });

  it('signs out everywhere right after a server restart, though the kept-alive connection died with the old server', async () => {
    const { server, session, stored } = await signedInSession();
    await session.voiceToken();
    await server.stop();
    await server.restart();
    expect(await session.signOut(true)).toBe(true);
    expect(server.authRequests.at(-1)?.path).toBe('/auth/sign-out-everywhere');
    expect(server.liveRefreshTokens()).toEqual([]);
    expect(stored()).toBeNull();
  });
});
