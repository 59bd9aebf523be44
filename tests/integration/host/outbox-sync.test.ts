// The desk host's outbox against a stand-in server on 127.0.0.1: cases made offline reach the
// server once it is back and come home with their official number, rejections stay visible until
// acknowledged, a lost push answer is retried without loss, and pokes trigger a pull.
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type HostOptions, type RunningHost } from '../../fixtures/host/desk-host.js';
import type { SyncStatus } from '../../../shared/desk-api.js';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import type { MutationResult } from '../../../shared/mutations.js';
import type { RowChange } from '../../../shared/sync-protocol.js';
import { cityChangeLog, serviceRequests, uuid } from '../../fixtures/host/city-data.js';
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

async function setUp(extra: Partial<HostOptions> = {}) {
  const server = await startFakeCentralServer(cityChangeLog(), 50);
  running.servers.push(server);
  const host = await startHost({
    serverUrl: server.url, dataDir: makeTempDir('outbox'), agentId: 'demo-calltaker', password: DEMO_SEED_PASSWORD, pullIntervalMs: 60_000, closedCaseDays: 36_500, log: () => undefined, ...extra,
  });
  running.hosts.push(host);
  const statuses: SyncStatus[] = [];
  const results: MutationResult[][] = [];
  const changed: string[][] = [];
  host.desk.on('syncStatus', (status) => statuses.push(status));
  host.desk.on('mutationResults', (batch) => results.push(batch));
  host.desk.on('casesChanged', ({ caseIds }) => changed.push(caseIds));
  await host.syncOnce();
  return { server, host, statuses, results, changed };
}

const logPut = (server: FakeCentralServer, row: ServiceRequest): void => {
  const version = (server.changes.at(-1)?.version ?? 0) + 1;
  server.changes = [...server.changes, { op: 'put', entity: 'service_request', id: row.id, version, row: { ...row } } satisfies RowChange];
};

describe('desk host outbox', () => {
  it('saves a case offline, pushes it when the server is back, and keeps both references searchable', async () => {
    const { server, host, results, changed } = await setUp();
    await server.stop();

    const created = await host.desk.createCase({ callerId: uuid(1), serviceTypeCode: 'pothole-repair', description: 'Deep pothole', address: '1300 E Girard Ave', lat: null, lon: null });
    expect(created.reference).toMatch(/^P-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(created.provisionalReference).toBe(created.reference);
    expect(changed).toContainEqual([created.id]);
    const edited = await host.desk.editCase({ caseId: created.id, changes: { description: 'Deep pothole, car damaged' } });
    expect(edited.description).toBe('Deep pothole, car damaged');
    await host.desk.changeCaseStatus({ caseId: created.id, status: 'in_progress' });
    await expect(host.desk.changeCaseStatus({ caseId: created.id, status: 'in_progress' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const note = await host.desk.addCaseNote({ caseId: created.id, text: 'Caller will send a photo' });
    expect(note.authorAgentId).toBe('demo-calltaker');

    const offline = await host.syncOnce();
    expect(offline).toMatchObject({ connection: 'offline', pendingMutations: 4, rejectedMutations: 0 });
    expect((await host.desk.listOutbox({})).map((entry) => [entry.mutationId, entry.name, entry.state])).toEqual([
      [1, 'createCase', 'pending'], [2, 'editCase', 'pending'], [3, 'changeStatus', 'pending'], [4, 'addNote', 'pending'],
    ]);
    expect((await host.desk.searchCases({ query: created.reference.toLowerCase() })).map((c) => c.id)).toEqual([created.id]);
    expect((await host.desk.getCase({ caseId: created.id })).pending).toHaveLength(4);

    // Back online: the server applies all four and logs the case under its official number.
    server.onPush = (push) => {
      const local = push.mutations.find((m) => m.name === 'createCase');
      if (local?.name === 'createCase') {
        logPut(server, {
          ...(edited as ServiceRequest), reference: '19000042', status: 'in_progress', description: 'Deep pothole, car damaged',
          fieldVersions: { description: 2, status: 3 },
        });
      }
      return push.mutations.map((m) => ({ id: m.id, status: 'applied', conflictIds: [] }));
    };
    await server.restart();
    const online = await host.syncOnce();
    expect(online).toMatchObject({ connection: 'online', pendingMutations: 0, rejectedMutations: 0 });
    // 5: the views of the case searched and opened offline, for the audit log (taken along by the push).
    expect(server.pushes.flatMap((push) => push.mutations.map((m) => [m.id, m.name]))).toEqual([
      [1, 'createCase'], [2, 'editCase'], [3, 'changeStatus'], [4, 'addNote'], [5, 'recordViews'],
    ]);
    // The agent hears of their own four; the view batch is background work.
    expect(results.flat().map((result) => [result.id, result.status])).toEqual([[1, 'applied'], [2, 'applied'], [3, 'applied'], [4, 'applied']]);
    const detail = await host.desk.getCase({ caseId: created.id });
    expect(detail.serviceRequest).toMatchObject({ reference: '19000042', provisionalReference: created.reference, status: 'in_progress' });
    expect(detail.pending).toEqual([]);
    expect((await host.desk.searchCases({ query: created.reference })).map((c) => c.reference)).toEqual(['19000042']);
    expect((await host.desk.searchCases({ query: '19000042' })).map((c) => c.id)).toEqual([created.id]);
    expect((await host.desk.searchCases({ query: 'car damaged' })).map((c) => c.id)).toEqual([created.id]);
  });

  it('shows a rejected mutation with the server reason until the agent acknowledges it', async () => {
    const { server, host, results } = await setUp();
    server.onPush = (push) => push.mutations.map((m) => ({ id: m.id, status: 'rejected', error: { code: 'INVALID_INPUT', message: 'The case was closed meanwhile.' } }));
    const caseId = uuid(102);
    const closed = await host.desk.changeCaseStatus({ caseId, status: 'closed' });
    expect(closed.status).toBe('closed');

    const status = await host.syncOnce();
    expect(status).toMatchObject({ pendingMutations: 0, rejectedMutations: 1 });
    expect(results.at(-1)).toEqual([{ id: 1, status: 'rejected', error: { code: 'INVALID_INPUT', message: 'The case was closed meanwhile.' } }]);
    const [entry] = await host.desk.listOutbox({});
    expect(entry).toMatchObject({ mutationId: 1, state: 'rejected', error: { message: 'The case was closed meanwhile.' } });
    // The local effect is undone: the case is back to the server's status.
    expect((await host.desk.getCase({ caseId })).serviceRequest.status).toBe(serviceRequests[1]!.status);

    // It is not pushed again (the view of the case since then is, and its refusal is dropped unseen).
    await host.syncOnce();
    expect(server.pushes.map((push) => push.mutations.map((m) => m.name))).toEqual([['changeStatus'], ['recordViews']]);
    await host.desk.acknowledgeRejection({ mutationId: 1 });
    expect(await host.desk.listOutbox({})).toEqual([]);
    expect((await host.desk.getSyncStatus({})).rejectedMutations).toBe(0);
    await expect(host.desk.acknowledgeRejection({ mutationId: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('pushes again after a lost answer; the server answers the retry from its record', async () => {
    const { server, host } = await setUp();
    const processed = new Map<number, MutationResult>();
    let loseAnswer = true;
    server.onPush = (push) => {
      const results = push.mutations.map((m) => processed.get(m.id) ?? { id: m.id, status: 'applied' as const, conflictIds: [] });
      for (const result of results) processed.set(result.id, result);
      if (loseAnswer) {
        loseAnswer = false;
        throw new Error('connection reset');
      }
      return results;
    };
    const caller = await host.desk.createCaller({ name: 'Keisha Brown', phones: ['(215) 555-0404', '215.555.0404'], lat: null, lon: null });
    expect(caller.phones).toEqual(['+12155550404']);
    await expect(host.desk.createCaller({ name: 'Nobody', phones: ['12'], lat: null, lon: null })).rejects.toMatchObject({ code: 'INVALID_PHONE' });
    expect((await host.desk.lookupCaller({ phone: '2155550404' })).matches[0]?.caller.id).toBe(caller.id);

    const failed = await host.syncOnce();
    expect(failed).toMatchObject({ pendingMutations: 1, lastError: { code: 'SERVER_ERROR' } });
    const ok = await host.syncOnce();
    expect(ok).toMatchObject({ pendingMutations: 0, lastError: null });
    // The caller, then the screen pop's view of it (for the audit log), twice: the same ids, answered from the record.
    expect(server.pushes.map((push) => push.mutations.map((m) => m.id))).toEqual([[1, 2], [1, 2]]);
    expect(processed.size).toBe(2);
    // New ids continue after the confirmed ones.
    await host.desk.addCaseNote({ caseId: uuid(102), text: 'Called back' });
    expect((await host.desk.listOutbox({}))[0]?.mutationId).toBe(3);
  });

  it('pulls when the server pokes over WebSocket', async () => {
    const { server, host } = await setUp();
    await waitFor(() => server.pokeTokens.length > 0, 'the poke socket');
    logPut(server, { ...serviceRequests[1]!, description: 'Updated at the depot' });
    const pullsBefore = server.pullCursors.length;
    server.poke(server.changes.length);
    const seen = await pollUntil(async () => (await host.desk.searchCases({ query: 'Updated at the depot' })).length === 1);
    expect(server.pullCursors.length).toBeGreaterThan(pullsBefore);
    expect(seen).toBe(true);
  });
});

async function pollUntil(probe: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
