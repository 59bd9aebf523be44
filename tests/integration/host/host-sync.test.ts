// The desk host against a real HTTP server on 127.0.0.1: paged first pull, resuming from the
// saved cursor, riding out the server going away, and refusing a page with a bad row.
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type HostOptions, type RunningHost } from '../../fixtures/host/desk-host.js';
import type { SyncStatus } from '../../../shared/desk-api.js';
import type { RowChange } from '../../../shared/sync-protocol.js';
import { cityChangeLog, HOUSEHOLD_PHONE, uuid } from '../../fixtures/host/city-data.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';
import { waitFor } from '../../fixtures/host/wait-for.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

const running: { hosts: RunningHost[]; servers: FakeCentralServer[] } = { hosts: [], servers: [] };

afterEach(async () => {
  for (const host of running.hosts.splice(0)) await host.close();
  for (const server of running.servers.splice(0)) await server.stop();
  removeTempDirs();
});

async function serverWith(changes: RowChange[], pageSize = 3): Promise<FakeCentralServer> {
  const server = await startFakeCentralServer(changes, pageSize);
  running.servers.push(server);
  return server;
}

async function hostFor(server: FakeCentralServer, dataDir: string, extra: Partial<HostOptions> = {}) {
  const host = await startHost({ serverUrl: server.url, dataDir, agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, pullIntervalMs: 60_000, closedCaseDays: 36_500, log: () => undefined, ...extra });
  running.hosts.push(host);
  const statuses: SyncStatus[] = [];
  host.desk.on('syncStatus', (status) => statuses.push(status));
  return { host, statuses };
}

const newCaller = (version: number): RowChange => ({
  op: 'put',
  entity: 'caller',
  id: uuid(9),
  version,
  row: {
    id: uuid(9), name: 'Keisha Brown', phones: ['+12155550404'], email: 'keisha@example.org', address: null, zipcode: null,
    neighborhoodId: null, lat: null, lon: null, preferredLanguage: 'en', createdAt: '2025-06-02T09:00:00Z', updatedAt: '2025-06-02T09:00:00Z',
  },
});

describe('desk host sync', () => {
  it('pulls every page, keeps the cursor, and a restart resumes from it', async () => {
    const changes = cityChangeLog();
    const server = await serverWith(changes);
    const dataDir = makeTempDir('sync');
    const { host, statuses } = await hostFor(server, dataDir);

    const status = await host.syncOnce();
    expect(status).toMatchObject({ connection: 'online', cursor: changes.length, headVersion: changes.length, lastError: null, rowsInCache: { callers: 4, serviceRequests: 8 } });
    expect(server.pullCursors.slice(0, 6)).toEqual([0, 3, 6, 9, 12, 15]);
    expect(server.authHeaders.every((header) => server.accessTokens().some((token) => header === `Bearer ${token}`))).toBe(true);
    // A first sync of several pages shows progress as it goes.
    expect(statuses.some((s) => s.connection === 'syncing' && s.cursor > 0 && s.cursor < changes.length)).toBe(true);
    // ...with rows, total, rate and time left, cleared once caught up.
    const during = statuses.find((s) => s.progress !== null && s.progress.rows > 0);
    expect(during?.progress).toMatchObject({ totalRows: changes.length });
    expect(during?.progress?.rowsPerSecond).toBeGreaterThan(0);
    expect(status.progress).toBeNull();

    const pop = await host.desk.lookupCaller({ phone: '(215) 555-0142' });
    expect(pop.e164).toBe(HOUSEHOLD_PHONE);
    expect(pop.matches).toHaveLength(2);

    const session = await host.desk.getSession({});
    expect(session).toMatchObject({ agent: { id: 'demo-calltaker' }, serverUrl: server.url, telephony: 'simulated' });
    expect(session.clientId).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    await host.close();

    server.pullCursors.length = 0;
    server.changes = [...changes, newCaller(changes.length + 1)];
    const { host: again } = await hostFor(server, dataDir);
    const resumed = await again.syncOnce();
    expect(server.pullCursors[0]).toBe(changes.length);
    expect(resumed.cursor).toBe(changes.length + 1);
    expect((await again.desk.getSession({})).clientId).toBe(session.clientId);
    expect((await again.desk.lookupCaller({ phone: '215 555 0404' })).matches[0]?.caller.name).toBe('Keisha Brown');
  });

  it('sets the agent state and fetches a voice token through the server, announcing the agent', async () => {
    const server = await serverWith(cityChangeLog());
    const { host } = await hostFor(server, makeTempDir('agent'));
    await host.syncOnce();
    const changed: string[] = [];
    host.desk.on('agentChanged', (agent) => changed.push(agent.state));

    const agent = await host.desk.setAgentState({ state: 'available' });
    expect(agent.state).toBe('available');
    expect(changed).toEqual(['available']);
    expect(await host.desk.getVoiceToken({})).toEqual({ identity: 'demo-calltaker', token: 'sim-voice-token', expiresAt: '2030-01-01T00:00:00Z' });
    await expect(host.desk.setAgentState({ state: 'napping' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('goes offline when the server goes away, keeps answering lookups, and comes back online', async () => {
    const server = await serverWith(cityChangeLog(), 50);
    const { host, statuses } = await hostFor(server, makeTempDir('offline'), { pullIntervalMs: 20 });
    await host.syncOnce();

    await server.stop();
    const offline = await waitFor(() => statuses.find((s) => s.connection === 'offline'), 'the offline status');
    expect(offline.offlineSince).not.toBeNull();
    expect(offline.lastError?.code).toBe('SERVER_UNREACHABLE');
    expect((await host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).matches).toHaveLength(2);
    await expect(host.desk.setAgentState({ state: 'away' })).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });

    await server.restart();
    const back = await waitFor(() => {
      const last = statuses.at(-1);
      return last?.connection === 'online' && statuses.indexOf(offline) < statuses.length - 1 ? last : null;
    }, 'the online status after the server came back');
    expect(back).toMatchObject({ offlineSince: null, lastError: null });
  });

  it('starts with the server down, answers from the cache, and signs in once it is up', async () => {
    const server = await serverWith(cityChangeLog(), 50);
    const dataDir = makeTempDir('cold');
    const { host: first } = await hostFor(server, dataDir);
    await first.syncOnce();
    await first.close();
    await server.stop();

    const { host } = await hostFor(server, dataDir);
    const status = await host.syncOnce();
    expect(status).toMatchObject({ connection: 'offline', lastError: { code: 'SERVER_UNREACHABLE' } });
    expect((await host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).matches).toHaveLength(2);
    // The agent of the last sign-in on this install, so the desk can open offline.
    expect((await host.desk.getSession({})).agent.id).toBe('demo-calltaker');

    await server.restart();
    expect(await host.syncOnce()).toMatchObject({ connection: 'online', offlineSince: null });
  });

  it('refuses a page with an invalid row: error status, cache and cursor unchanged', async () => {
    const changes = cityChangeLog();
    const server = await serverWith(changes);
    const { host } = await hostFor(server, makeTempDir('bad-row'));
    const good = await host.syncOnce();

    const broken = newCaller(changes.length + 2);
    server.changes = [
      ...changes,
      { op: 'del', entity: 'service_request', id: uuid(101), version: changes.length + 1 },
      { ...(broken as Extract<RowChange, { op: 'put' }>), row: { ...(broken as Extract<RowChange, { op: 'put' }>).row, phones: [] } },
    ];
    const failed = await host.syncOnce();
    expect(failed.lastError?.code).toBe('SERVER_ERROR');
    expect(failed.lastError?.message).toContain('caller');
    expect(failed.cursor).toBe(good.cursor);
    expect(failed.rowsInCache).toEqual(good.rowsInCache);
    const maria = (await host.desk.lookupCaller({ phone: HOUSEHOLD_PHONE })).matches.find((m) => m.caller.id === uuid(1));
    expect(maria?.cases.map((c) => c.id)).toContain(uuid(101));

    server.changes = [...changes, { op: 'del', entity: 'service_request', id: uuid(101), version: changes.length + 1 }, newCaller(changes.length + 2)];
    expect(await host.syncOnce()).toMatchObject({ lastError: null, cursor: changes.length + 2, rowsInCache: { callers: 5, serviceRequests: 7 } });
  });

  it('refuses options it cannot work with', async () => {
    const dataDir = makeTempDir('options');
    await expect(startHost({ serverUrl: 'central server', dataDir, agentId: 'demo-calltaker' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(startHost({ serverUrl: 'http://127.0.0.1:9', dataDir, agentId: 'Demo Calltaker' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports a server that answers pulls with an error, with its message', async () => {
    const server = await serverWith(cityChangeLog());
    server.failPulls = true;
    const { host } = await hostFor(server, makeTempDir('server-error'));
    const status = await host.syncOnce();
    expect(status).toMatchObject({ connection: 'online', lastError: { code: 'SERVER_ERROR', message: 'The change log is being rebuilt' } });
  });
});
