// Desks' record views through /sync/push on a real server: each view becomes an audit entry of
// the pushing agent and desk at the desk's time, a retried push records nothing twice, the chain
// stays whole under concurrent pushes (and breaks when a row is tampered with), and a malformed
// batch is refused with nothing stored. PGlite always; PostgreSQL when set.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEntry } from '../../../server/audit/audit-log.js';
import type { Store } from '../../../server/store/store.js';
import type { MutationArgsOf, RecordView } from '../../../shared/mutations.js';
import { givePasswords, signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { DeskClient } from './sync-helpers.js';

type Views = MutationArgsOf<'recordViews'>;

const caseView = (id: string, at: string): RecordView => ({ entity: 'case', id, context: 'case_detail', at });

async function entriesOf(store: Store, clientId: string): Promise<Array<Pick<AuditEntry, 'agentId' | 'action' | 'objectType' | 'objectId' | 'details' | 'clientId' | 'at' | 'recordedAt'>>> {
  const rows = await store.query<{
    agent_id: string; action: string; object_type: string | null; object_id: string | null; details: Record<string, unknown>;
    client_id: string; at: Date | string; recorded_at: Date | string;
  }>('SELECT agent_id, action, object_type, object_id, details, client_id, at, recorded_at FROM audit_log WHERE client_id = $1 ORDER BY seq', [clientId]);
  return rows.map((row) => ({
    agentId: row.agent_id, action: row.action, objectType: row.object_type, objectId: row.object_id, details: row.details,
    clientId: row.client_id, at: new Date(row.at).toISOString(), recordedAt: new Date(row.recorded_at).toISOString(),
  }));
}

async function auditCount(store: Store): Promise<number> {
  const [row] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
  return Number(row?.n);
}

describe.each(storeTargets())('record views pushed to the audit log on $kind', (target) => {
  let test: TestServer;
  let callTakerToken: string;
  let leadToken: string;
  let staffToken: string;
  let seededCase: string;
  let seededCaller: string;

  beforeAll(async () => {
    test = await startTestServer(target);
    const store = test.server.store;
    await store.query(
      `INSERT INTO agents (id, display_name, role, skills, state, state_since)
       VALUES ('views-staff', 'Views Staff', 'department_staff', '{"Nobody''s Department"}', 'offline', now())`,
    );
    await givePasswords(store, ['views-staff']);
    callTakerToken = await signIn(test.url, 'demo-calltaker');
    leadToken = await signIn(test.url, 'demo-lead');
    staffToken = await signIn(test.url, 'views-staff');
    seededCase = (await store.query<{ id: string }>('SELECT id::text AS id FROM service_requests ORDER BY id LIMIT 1'))[0]!.id;
    seededCaller = (await store.query<{ id: string }>('SELECT id::text AS id FROM callers ORDER BY id LIMIT 1'))[0]!.id;
  }, 60_000);

  afterAll(async () => {
    await test?.dispose();
  });

  it('appends one entry per view, as the pushing agent and desk, at the desk\'s time', async () => {
    const desk = new DeskClient(test.url, callTakerToken);
    const before = new Date().toISOString();
    const madeOffline = randomUUID();
    const views: Views = {
      views: [
        { entity: 'caller', id: seededCaller, context: 'screen_pop', at: '2026-03-04T09:15:00.000Z', nearbyCaseIds: [seededCase] },
        caseView(seededCase, '2026-03-04T09:15:02.250Z'),
        // A case the server never heard of (made offline and never pushed, or deleted): still a view.
        caseView(madeOffline, '2026-03-04T09:16:00.000Z'),
        { entity: 'case_search', context: 'case_search', at: '2026-03-04T09:17:00.000Z', reference: null, resultCount: 1, caseIds: [seededCase] },
      ],
    };
    const pushed = await desk.push([desk.make('recordViews', views)]);
    expect(pushed.results).toEqual([{ id: 1, status: 'applied', conflictIds: [] }]);

    const entries = await entriesOf(test.server.store, desk.clientId);
    const from = { agentId: 'demo-calltaker', clientId: desk.clientId };
    expect(entries.map(({ recordedAt: _r, ...entry }) => entry)).toEqual([
      { ...from, action: 'caller.view', objectType: 'caller', objectId: seededCaller, at: '2026-03-04T09:15:00.000Z', details: { context: 'screen_pop', nearbyCaseIds: [seededCase] } },
      { ...from, action: 'case.view', objectType: 'case', objectId: seededCase, at: '2026-03-04T09:15:02.250Z', details: { context: 'case_detail' } },
      { ...from, action: 'case.view', objectType: 'case', objectId: madeOffline, at: '2026-03-04T09:16:00.000Z', details: { context: 'case_detail' } },
      {
        ...from, action: 'case.search', objectType: 'case', objectId: null, at: '2026-03-04T09:17:00.000Z',
        details: { context: 'case_search', reference: null, resultCount: 1, caseIds: [seededCase] },
      },
    ]);
    // recorded_at is the server's time of the push, not the desk's.
    for (const entry of entries) expect(entry.recordedAt >= before).toBe(true);
    // Views change no synced record: nothing for the desks to pull.
    expect((await desk.pull(0)).lastMutationId).toBe(1);
  });

  it('takes views from every role, department staff too', async () => {
    const desk = new DeskClient(test.url, staffToken);
    const pushed = await desk.push([desk.make('recordViews', { views: [caseView(seededCase, new Date().toISOString())] })]);
    expect(pushed.results[0]?.status).toBe('applied');
    expect(await entriesOf(test.server.store, desk.clientId)).toMatchObject([{ agentId: 'views-staff', action: 'case.view', objectId: seededCase }]);
  });

  it('records a retried push once, and only what is new in a longer retry', async () => {
    const desk = new DeskClient(test.url, callTakerToken);
    const first = desk.make('recordViews', { views: [caseView(seededCase, '2026-03-05T10:00:00.000Z')] });
    const second = desk.make('recordViews', { views: [caseView(seededCase, '2026-03-05T10:01:00.000Z'), caseView(seededCase, '2026-03-05T10:02:00.000Z')] });
    const answer = await desk.push([first, second]);
    // The answer was lost on the way: the desk sends the same mutations again.
    expect(await desk.push([first, second])).toEqual(answer);
    expect((await entriesOf(test.server.store, desk.clientId)).map((entry) => entry.at)).toEqual([
      '2026-03-05T10:00:00.000Z', '2026-03-05T10:01:00.000Z', '2026-03-05T10:02:00.000Z',
    ]);
    const third = desk.make('recordViews', { views: [caseView(seededCase, '2026-03-05T10:03:00.000Z')] });
    await desk.push([first, second, third]);
    expect((await entriesOf(test.server.store, desk.clientId)).map((entry) => entry.at)).toEqual([
      '2026-03-05T10:00:00.000Z', '2026-03-05T10:01:00.000Z', '2026-03-05T10:02:00.000Z', '2026-03-05T10:03:00.000Z',
    ]);
  });

  it('refuses a malformed batch with 400 and stores nothing, not even the desk', async () => {
    const desk = new DeskClient(test.url, callTakerToken);
    const at = new Date().toISOString();
    const malformed: unknown[] = [
      { views: [] },
      // A view never names its agent: the pusher is the agent.
      { views: [{ ...caseView(seededCase, at), agentId: 'demo-lead' }] },
      { views: [{ entity: 'case', id: 'not-a-uuid', context: 'case_detail', at }] },
      { views: [{ entity: 'case', id: seededCase, context: 'case_detail', at: 'yesterday' }] },
      { views: [{ entity: 'caller', id: seededCaller, context: 'screen_pop', at }] },
      { views: [{ entity: 'case_search', context: 'case_search', at, reference: null, resultCount: -1, caseIds: [] }] },
      { views: Array.from({ length: 201 }, () => caseView(seededCase, at)) },
    ];
    const countBefore = await auditCount(test.server.store);
    for (const args of malformed) {
      const response = await desk.pushRaw([{ id: 1, name: 'recordViews', args, createdAt: at }]);
      expect(response.status, JSON.stringify(args).slice(0, 120)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    }
    expect(await auditCount(test.server.store)).toBe(countBefore);
    expect(await test.server.store.query('SELECT 1 FROM sync_clients WHERE client_id = $1', [desk.clientId])).toEqual([]);
  });

  it('keeps the chain whole under concurrent pushes from several desks, and shows a tampered row', async () => {
    const store = test.server.store;
    const desks = Array.from({ length: 6 }, (_, i) => new DeskClient(test.url, i % 2 === 0 ? callTakerToken : leadToken));
    const perDesk = 8;
    const countBefore = await auditCount(store);
    // Sign-ins append to the log meanwhile, outside any push.
    const signIns = Promise.all([signIn(test.url, 'demo-triage'), signIn(test.url, 'demo-triage')]);
    await Promise.all(desks.map(async (desk, d) => {
      for (let round = 0; round < 2; round += 1) {
        const batch = Array.from({ length: perDesk / 2 }, (_, i) => desk.make('recordViews', {
          views: [caseView(seededCase, new Date(Date.UTC(2026, 2, 6, d, round, i)).toISOString())],
        }));
        await desk.push(batch);
      }
    }));
    await signIns;
    const [views] = await store.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'case.view' AND client_id = ANY($1::text[])", [desks.map((desk) => desk.clientId)],
    );
    expect(Number(views?.n)).toBe(desks.length * perDesk);
    const total = await auditCount(store);
    expect(total).toBeGreaterThanOrEqual(countBefore + desks.length * perDesk + 2);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, count: total });
    for (const [d, desk] of desks.entries()) {
      // Each desk's views in the order it made them, with the agent of its token.
      const entries = await entriesOf(store, desk.clientId);
      expect(entries.map((entry) => entry.at)).toEqual([...entries.map((entry) => entry.at)].sort());
      expect(new Set(entries.map((entry) => entry.agentId))).toEqual(new Set([d % 2 === 0 ? 'demo-calltaker' : 'demo-lead']));
    }

    // Someone with the database owner's rights moves a view to another agent: the chain says where.
    const [victim] = await store.query<{ seq: number; agent_id: string }>(
      'SELECT seq, agent_id FROM audit_log WHERE client_id = $1 ORDER BY seq LIMIT 1', [desks[0]!.clientId],
    );
    const tamper = (agentId: string) => store.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
      await tx.query('UPDATE audit_log SET agent_id = $1 WHERE seq = $2', [agentId, victim!.seq]);
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    });
    await tamper('someone-else');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, broken: { seq: Number(victim!.seq), reason: expect.stringMatching(/changed/) } });
    await tamper(victim!.agent_id);
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });
});
