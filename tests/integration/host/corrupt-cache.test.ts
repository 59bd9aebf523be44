// An unreadable cache: the host says so, moves the file aside, pulls a fresh copy, and still
// sends the unsent mutations it could read from the damaged file, under the same client id.
import fs from 'node:fs';
import path from 'node:path';
import Database from '../../fixtures/host/keyed-database.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../fixtures/host/desk-host.js';
import { cityChangeLog, uuid } from '../../fixtures/host/city-data.js';
import { startFakeCentralServer, type FakeCentralServer } from '../../fixtures/host/fake-central-server.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';

const running: { hosts: RunningHost[]; servers: FakeCentralServer[] } = { hosts: [], servers: [] };
afterEach(async () => {
  for (const host of running.hosts.splice(0)) await host.close();
  for (const server of running.servers.splice(0)) await server.stop();
  removeTempDirs();
});

async function hostAt(server: FakeCentralServer, dataDir: string) {
  const host = await startHost({ serverUrl: server.url, dataDir, agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, pullIntervalMs: 60_000, closedCaseDays: 36_500, pokes: false, log: () => undefined });
  running.hosts.push(host);
  return host;
}

/** A cache with two unsent mutations, then thousands of callers after them, all on disk. */
async function cacheWithUnsentChanges(server: FakeCentralServer, dataDir: string) {
  const host = await hostAt(server, dataDir);
  await host.syncOnce();
  await server.stop();
  const created = await host.desk.createCase({ callerId: null, serviceTypeCode: 'illegal-dumping', description: 'Tires in the alley', address: null, lat: null, lon: null });
  await host.desk.addCaseNote({ caseId: uuid(102), text: 'Neighbour called too' });
  const clientId = (await host.desk.getSession({})).clientId;
  await host.close();
  running.hosts.splice(running.hosts.indexOf(host), 1);

  const db = new Database(host.cachePath);
  const insert = db.prepare(`INSERT INTO callers (id, name, preferred_language, created_at, updated_at) VALUES (?, ?, 'en', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`);
  db.transaction(() => {
    for (let i = 0; i < 20_000; i += 1) insert.run(`filler-${i}`, `Filler caller number ${i} with a long enough name to fill pages`);
  })();
  db.close();
  return { cachePath: host.cachePath, created, clientId };
}

describe('corrupt cache', () => {
  it('carries the readable unsent mutations of a damaged cache into the fresh one', async () => {
    const before = await startFakeCentralServer(cityChangeLog(), 50);
    running.servers.push(before);
    const dataDir = makeTempDir('damaged');
    const { cachePath, created, clientId } = await cacheWithUnsentChanges(before, dataDir);

    // Damage data pages in the middle of the file; the outbox pages near the start survive.
    const size = fs.statSync(cachePath).size;
    const fd = fs.openSync(cachePath, 'r+');
    fs.writeSync(fd, Buffer.alloc(Math.floor(size / 4), 0xa5), 0, Math.floor(size / 4), Math.floor(size / 2));
    fs.closeSync(fd);

    const server = await startFakeCentralServer(cityChangeLog(), 50);
    running.servers.push(server);
    const host = await hostAt(server, dataDir);
    expect(host.cacheMovedAside).toMatch(/desk-cache\.sqlite\.corrupt-/);
    expect(fs.existsSync(host.cacheMovedAside as string)).toBe(true);
    expect(host.mutationsRescued).toBe(2);
    expect((await host.desk.getSyncStatus({})).lastError).toMatchObject({ code: 'CACHE_CORRUPT' });
    expect((await host.desk.getSyncStatus({})).lastError?.message).toContain('2 unsent change(s)');
    expect((await host.desk.listOutbox({})).map((entry) => [entry.mutationId, entry.name])).toEqual([[1, 'createCase'], [2, 'addNote']]);

    const status = await host.syncOnce();
    expect((await host.desk.getSession({})).clientId).toBe(clientId);
    expect(status).toMatchObject({ connection: 'online', lastError: null, pendingMutations: 0, rowsInCache: { callers: 4 } });
    expect(server.pushes.flatMap((push) => push.mutations.map((m) => [m.id, m.name]))).toEqual([[1, 'createCase'], [2, 'addNote']]);
    expect(server.pushes[0]?.clientId).toBe(clientId);
    const pushedCase = server.pushes[0]?.mutations[0];
    expect(pushedCase?.name === 'createCase' && pushedCase.args.provisionalReference).toBe(created.reference);
    // The next change is numbered after the rescued ones.
    await host.desk.addCaseNote({ caseId: uuid(102), text: 'Third' });
    expect((await host.desk.listOutbox({})).map((entry) => entry.mutationId)).toEqual([3]);
  });

  it('starts fresh from a file that is not a database at all, saying so', async () => {
    const server = await startFakeCentralServer(cityChangeLog(), 50);
    running.servers.push(server);
    const dataDir = makeTempDir('garbage');
    fs.writeFileSync(path.join(dataDir, 'desk-cache.sqlite'), Buffer.alloc(64 * 1024, 0x5a));
    const host = await hostAt(server, dataDir);
    expect(host.cacheMovedAside).not.toBeNull();
    expect(host.mutationsRescued).toBe(0);
    expect((await host.desk.getSyncStatus({})).lastError).toMatchObject({ code: 'CACHE_CORRUPT' });
    expect(await host.desk.listOutbox({})).toEqual([]);
    expect(await host.syncOnce()).toMatchObject({ connection: 'online', lastError: null, rowsInCache: { callers: 4, serviceRequests: 8 } });
  });
});
