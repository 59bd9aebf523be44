// The offline path of record views, end to end: a real desk host (SQLite cache) behind a TCP proxy
// to a real central server. The line is cut, the agent pops a caller, opens a case and searches;
// the line comes back and the server's audit log holds each view with the desk's time of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../../electron/host/host.js';
import { DEMO_SEED_PASSWORD } from '../../../server/config.js';
import KeyedDatabase from '../../fixtures/host/keyed-database.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';
import { waitFor } from '../../fixtures/host/wait-for.js';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.js';
import { startTestServer, storeTargets, type TestServer } from '../server/helpers.js';

function recordViewRows(cachePath: string): number {
  const db = new KeyedDatabase(cachePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT count(*) FROM outbox WHERE name = 'recordViews'").pluck().get() as number;
  } finally {
    db.close();
  }
}

describe.each(storeTargets())('record views made offline reach the audit log, server on $kind', (target) => {
  let server: TestServer;
  let proxy: TcpProxy;
  let host: RunningHost;
  // The desk's clock runs an hour behind the server's, so its times are told apart from recorded_at.
  let deskClock = Date.now() - 3_600_000;

  beforeAll(async () => {
    server = await startTestServer(target);
    proxy = await startTcpProxy(Number(new URL(server.url).port));
    host = await startHost({
      serverUrl: proxy.url, dataDir: makeTempDir('views-offline'), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD,
      pokes: false, pullIntervalMs: 60_000, closedCaseDays: 36_500, now: () => new Date(deskClock), log: () => undefined,
    });
    expect(await host.syncOnce()).toMatchObject({ connection: 'online' });
  }, 60_000);

  afterAll(async () => {
    await host?.close();
    await proxy?.close();
    await server?.dispose();
    removeTempDirs();
  });

  it('pushes the views made while the line was cut, with the desk\'s times', async () => {
    const store = server.server.store;
    const [caller] = await store.query<{ id: string; phone: string }>('SELECT id::text AS id, phones[1] AS phone FROM callers ORDER BY id LIMIT 1');
    const [seeded] = await store.query<{ id: string; reference: string }>('SELECT id::text AS id, reference FROM service_requests ORDER BY id LIMIT 1');

    proxy.cut();
    expect(await host.syncOnce()).toMatchObject({ connection: 'offline' });
    deskClock += 60_000;
    const popAt = new Date(deskClock).toISOString();
    const pop = await host.desk.lookupCaller({ phone: caller!.phone });
    expect(pop.matches.map((match) => match.caller.id)).toContain(caller!.id);
    deskClock += 30_000;
    const openedAt = new Date(deskClock).toISOString();
    await host.desk.getCase({ caseId: seeded!.id });
    const found = await host.desk.searchCases({ query: seeded!.reference });
    expect(found.map((c) => c.id)).toEqual([seeded!.id]);
    // Written to the outbox within a moment, while still offline.
    await waitFor(() => recordViewRows(host.cachePath) > 0, 'the views written to the outbox');
    expect(await host.syncOnce()).toMatchObject({ connection: 'offline', pendingMutations: 0 });
    expect(await store.query("SELECT 1 FROM audit_log WHERE agent_id = 'demo-calltaker' AND action IN ('caller.view', 'case.view', 'case.search')")).toEqual([]);

    proxy.restore();
    expect(await host.syncOnce()).toMatchObject({ connection: 'online', pendingMutations: 0 });
    const { clientId } = await host.desk.getSession({});
    const entries = await store.query<{ action: string; object_id: string | null; at: Date | string; recorded_at: Date | string; agent_id: string; details: Record<string, unknown> }>(
      "SELECT action, object_id, at, recorded_at, agent_id, details FROM audit_log WHERE client_id = $1 AND action IN ('caller.view', 'case.view', 'case.search') ORDER BY seq",
      [clientId],
    );
    expect(entries.map((entry) => [entry.action, entry.object_id, new Date(entry.at).toISOString(), entry.agent_id])).toEqual([
      ...pop.matches.map((match) => ['caller.view', match.caller.id, popAt, 'demo-calltaker']),
      ['case.view', seeded!.id, openedAt, 'demo-calltaker'],
      ['case.search', null, openedAt, 'demo-calltaker'],
    ]);
    expect(entries.at(-1)?.details).toEqual({ context: 'case_search', reference: seeded!.reference, resultCount: 1, caseIds: [seeded!.id] });
    // recorded_at is the server's clock, an hour ahead of the desk's.
    for (const entry of entries) expect(new Date(entry.recorded_at).getTime() - new Date(entry.at).getTime()).toBeGreaterThan(3_000_000);
    // Confirmed by the pull that followed: nothing left to send.
    expect(recordViewRows(host.cachePath)).toBe(0);
  });
});
