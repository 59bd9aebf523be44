// Sync push on each store over real HTTP: exactly once, in order, rejections with reasons,
// conflicts (first in server order wins, the losing value kept), conflict resolution, official
// references, and pull's lastMutationId.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import type { Mutation } from '../../../shared/mutations.js';
import { parseSyncedRow, type PullResponse } from '../../../shared/sync-protocol.js';
import { signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { caseArgs, DeskClient, uuid } from './sync-helpers.js';

describe.each(storeTargets())('sync push on $kind', (target) => {
  let test: TestServer;
  let calltaker: string;
  let triage: string;
  let serviceType: string;
  let callerId: string;

  const desk = (token = calltaker) => new DeskClient(test.url, token);
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    (await test.server.store.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table} WHERE ${where}`, params))[0]?.n;
  const caseRow = async (id: string): Promise<ServiceRequest> => {
    const [row] = await test.server.store.query<{ row: unknown }>(
      "SELECT row FROM change_log WHERE entity = 'service_request' AND entity_id = $1 ORDER BY version DESC LIMIT 1",
      [id],
    );
    return parseSyncedRow('service_request', row?.row);
  };
  /** Creates a case through a push and returns its server row. */
  const createdCase = async (client: DeskClient): Promise<ServiceRequest> => {
    const mutation = client.make('createCase', caseArgs(serviceType));
    const { results } = await client.push([mutation]);
    expect(results[0]?.status).toBe('applied');
    return caseRow((mutation.args as { id: string }).id);
  };

  beforeAll(async () => {
    test = await startTestServer(target, { seed: { callers: 5, cases: 5 } });
    calltaker = await signIn(test.url, 'demo-calltaker');
    triage = await signIn(test.url, 'demo-triage');
    serviceType = (await test.server.store.query<{ code: string }>('SELECT code FROM service_types WHERE active ORDER BY code LIMIT 1'))[0]!.code;
    callerId = (await test.server.store.query<{ id: string }>('SELECT id FROM callers ORDER BY id LIMIT 1'))[0]!.id;
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('applies a retried batch once and answers it from the stored results', async () => {
    const client = desk();
    const created = client.make('createCase', caseArgs(serviceType));
    const caseId = (created.args as { id: string }).id;
    const batch: Mutation[] = [
      created,
      client.make('addNote', { id: uuid(), caseId, text: 'Caller says the light has been out a week.' }),
      client.make('changeStatus', { caseId, status: 'in_progress', baseVersion: 0 }),
    ];
    const first = await client.push(batch);
    expect(first.lastMutationId).toBe(3);
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const logSize = await count('change_log');

    const again = await client.push(batch);
    expect(again).toEqual(first);
    expect(await count('change_log')).toBe(logSize);
    expect(await count('service_requests', 'id = $1', [caseId])).toBe(1);
    expect(await count('case_notes', 'case_id = $1', [caseId])).toBe(1);

    // Overlapping: 2 and 3 were done, 4 and 5 are new.
    const row = await caseRow(caseId);
    const overlap = [
      batch[1]!, batch[2]!,
      client.make('addNote', { id: uuid(), caseId, text: 'Second note.' }),
      client.make('editCase', { caseId, changes: { description: 'Two lights out.' }, baseVersions: { description: row.fieldVersions.description } }),
    ];
    const third = await client.push(overlap);
    expect(third.results.slice(0, 2)).toEqual(first.results.slice(1));
    expect(third.results.map((r) => [r.id, r.status])).toEqual([[2, 'applied'], [3, 'applied'], [4, 'applied'], [5, 'applied']]);
    expect(third.lastMutationId).toBe(5);
    expect(await count('case_notes', 'case_id = $1', [caseId])).toBe(2);
    expect((await caseRow(caseId)).description).toBe('Two lights out.');
  });

  it('processes mutations in id order whatever order they arrive in, and refuses a gap', async () => {
    const client = desk();
    const created = client.make('createCase', caseArgs(serviceType));
    const caseId = (created.args as { id: string }).id;
    const start = client.make('changeStatus', { caseId, status: 'in_progress', baseVersion: Number.MAX_SAFE_INTEGER });
    const close = client.make('changeStatus', { caseId, status: 'closed', baseVersion: Number.MAX_SAFE_INTEGER });
    const response = await client.push([close, created, start]);
    // Answered in request order; applied in id order (else the case would not exist for 2 and 3).
    expect(response.results.map((r) => [r.id, r.status])).toEqual([[3, 'applied'], [1, 'applied'], [2, 'applied']]);
    expect((await caseRow(caseId)).status).toBe('closed');

    const skipped = client.make('addNote', { id: uuid(), caseId, text: 'never sent' });
    const beyond = client.make('addNote', { id: uuid(), caseId, text: 'sent without the one before' });
    const gap = await client.pushRaw([beyond]);
    expect(gap.status).toBe(409);
    expect(((await gap.json()) as { error: { code: string } }).error.code).toBe('SYNC_OUT_OF_ORDER');
    expect(await count('case_notes', 'case_id = $1', [caseId])).toBe(0);
    const resumed = await client.push([skipped, beyond]);
    expect(resumed.lastMutationId).toBe(5);
  });

  it('rejects bad mutations with reasons, advances the client, and still applies the rest of the batch', async () => {
    const client = desk();
    const other = desk(triage);
    const otherCase = await createdCase(other);
    const good = client.make('createCase', caseArgs(serviceType, { callerId }));
    const goodId = (good.args as { id: string }).id;
    const batch: Mutation[] = [
      client.make('createCase', caseArgs('no-such-service-type')),
      good,
      client.make('linkCaller', { caseId: goodId, callerId: uuid(), baseVersion: Number.MAX_SAFE_INTEGER }),
      client.make('addNote', { id: uuid(), caseId: uuid(), text: 'to a case nobody has' }),
      client.make('createCase', caseArgs(serviceType, { id: otherCase.id })),
      client.make('createCase', caseArgs(serviceType, { callerId: uuid() })),
      client.make('resolveConflict', { conflictId: uuid(), resolution: 'keep' }),
      client.make('addNote', { id: uuid(), caseId: goodId, text: 'still applied after the rejections' }),
    ];
    const response = await client.push(batch);
    expect(response.lastMutationId).toBe(8);
    const summary = response.results.map((r) => (r.status === 'rejected' ? r.error.code : r.status));
    expect(summary).toEqual(['INVALID_INPUT', 'applied', 'NOT_FOUND', 'NOT_FOUND', 'INVALID_INPUT', 'NOT_FOUND', 'NOT_FOUND', 'applied']);
    const reasons = response.results.flatMap((r) => (r.status === 'rejected' ? [r.error.message] : []));
    expect(reasons[0]).toMatch(/no service type "no-such-service-type"/);
    expect(reasons[1]).toMatch(/^no caller /);
    expect(reasons[3]).toMatch(/already exists/);

    // A bad transition, judged on a fresh base.
    const fresh = await caseRow(goodId);
    const closeIt = client.make('changeStatus', { caseId: goodId, status: 'closed', baseVersion: fresh.fieldVersions.status! });
    const reopenWrong = client.make('changeStatus', { caseId: goodId, status: 'in_progress', baseVersion: Number.MAX_SAFE_INTEGER });
    const second = await client.push([closeIt, reopenWrong]);
    expect(second.results[0]?.status).toBe('applied');
    expect(second.results[1]).toMatchObject({ status: 'rejected', error: { code: 'INVALID_INPUT', message: 'a case cannot go from closed to in_progress' } });
    expect((await caseRow(otherCase.id)).description).toBe(otherCase.description);
    expect(await count('sync_mutation_results', "client_id = $1 AND status = 'rejected'", [client.clientId])).toBe(7);
    expect((await caseRow(goodId)).callerId).toBe(callerId);
  });

  it('keeps the first edit of a field, records the losing one as a conflict both desks pull, and merges other fields', async () => {
    const a = desk();
    const b = desk(triage);
    const seen = await createdCase(a);
    const base = seen.fieldVersions;
    const cursor = (await a.pull(0, 1)).headVersion;

    const editA = a.make('editCase', { caseId: seen.id, changes: { description: 'From desk A', address: '10 Market St' }, baseVersions: { description: base.description, address: base.address } });
    const editB = b.make('editCase', { caseId: seen.id, changes: { description: 'From desk B', zipcode: '19106' }, baseVersions: { description: base.description, zipcode: base.zipcode } });
    expect((await a.push([editA])).results[0]).toEqual({ id: editA.id, status: 'applied', conflictIds: [] });
    const losing = (await b.push([editB])).results[0];
    expect(losing?.status).toBe('applied');
    const conflictIds = losing?.status === 'applied' ? losing.conflictIds : [];
    expect(conflictIds).toHaveLength(1);

    const after = await caseRow(seen.id);
    expect(after).toMatchObject({ description: 'From desk A', address: '10 Market St', zipcode: '19106' });
    expect(after.fieldVersions.zipcode).toBeGreaterThan(after.fieldVersions.address!);

    const pulls: PullResponse[] = [await a.pull(cursor), await b.pull(cursor)];
    for (const pull of pulls) {
      const conflict = pull.changes.find((c) => c.entity === 'case_conflict' && c.id === conflictIds[0]);
      expect(conflict?.op).toBe('put');
      const row = parseSyncedRow('case_conflict', conflict?.op === 'put' ? conflict.row : null);
      expect(row).toMatchObject({
        caseId: seen.id, field: 'description', keptValue: 'From desk A', losingValue: 'From desk B',
        keptBy: { agentId: 'demo-calltaker', clientId: a.clientId, mutationId: editA.id },
        losingBy: { agentId: 'demo-triage', clientId: b.clientId, mutationId: editB.id },
        resolvedAt: null, resolution: null,
      });
    }

    // Different fields from the same base merge without a conflict.
    const c = desk();
    const fresh = await caseRow(seen.id);
    const one = a.make('editCase', { caseId: seen.id, changes: { lat: 39.95 }, baseVersions: { lat: fresh.fieldVersions.lat } });
    const two = c.make('editCase', { caseId: seen.id, changes: { lon: -75.16 }, baseVersions: { lon: fresh.fieldVersions.lon } });
    expect((await a.push([one])).results[0]).toMatchObject({ status: 'applied', conflictIds: [] });
    expect((await c.push([two])).results[0]).toMatchObject({ status: 'applied', conflictIds: [] });
    expect(await caseRow(seen.id)).toMatchObject({ lat: 39.95, lon: -75.16 });
    expect(await count('case_conflicts', 'case_id = $1', [seen.id])).toBe(1);
  });

  it('resolves conflicts by keeping the value or taking the losing one as a new edit', async () => {
    const a = desk();
    const b = desk(triage);
    const seen = await createdCase(a);
    const statusBase = seen.fieldVersions.status!;
    await a.push([a.make('changeStatus', { caseId: seen.id, status: 'in_progress', baseVersion: statusBase })]);
    const lost = await b.push([b.make('changeStatus', { caseId: seen.id, status: 'closed', baseVersion: statusBase })]);
    const statusConflict = lost.results[0]?.status === 'applied' ? lost.results[0].conflictIds[0] : undefined;
    expect(statusConflict).toBeDefined();
    expect((await caseRow(seen.id)).status).toBe('in_progress');

    const descBase = seen.fieldVersions.description!;
    await a.push([a.make('editCase', { caseId: seen.id, changes: { description: 'kept text' }, baseVersions: { description: descBase } })]);
    const lost2 = await b.push([b.make('editCase', { caseId: seen.id, changes: { description: 'losing text' }, baseVersions: { description: descBase } })]);
    const descConflict = lost2.results[0]?.status === 'applied' ? lost2.results[0].conflictIds[0] : undefined;

    const before = await caseRow(seen.id);
    const keep = await b.push([b.make('resolveConflict', { conflictId: descConflict!, resolution: 'keep' })]);
    expect(keep.results[0]?.status).toBe('applied');
    expect((await caseRow(seen.id)).description).toBe('kept text');
    const [kept] = await test.server.store.query<{ resolution: string; resolved_by: string }>('SELECT resolution, resolved_by FROM case_conflicts WHERE id = $1', [descConflict]);
    expect(kept).toEqual({ resolution: 'keep', resolved_by: 'demo-triage' });

    const take = await a.push([a.make('resolveConflict', { conflictId: statusConflict!, resolution: 'take_losing' })]);
    expect(take.results[0]?.status).toBe('applied');
    const after = await caseRow(seen.id);
    expect(after.status).toBe('closed');
    expect(after.closedAt).not.toBeNull();
    expect(after.fieldVersions.status).toBeGreaterThan(before.fieldVersions.status!);

    const twice = await a.push([a.make('resolveConflict', { conflictId: statusConflict!, resolution: 'keep' })]);
    expect(twice.results[0]).toMatchObject({ status: 'rejected', error: { code: 'INVALID_INPUT' } });
  });

  it('assigns the next official reference and keeps the provisional one, both findable', async () => {
    const client = desk();
    const [{ max } = { max: 0 }] = await test.server.store.query<{ max: number }>(
      "SELECT MAX(reference::bigint)::int8 AS max FROM service_requests WHERE reference ~ '^[0-9]+$'",
    );
    const first = client.make('createCase', caseArgs(serviceType));
    const second = client.make('createCase', caseArgs(serviceType));
    await client.push([first, second]);
    const one = await caseRow((first.args as { id: string }).id);
    const two = await caseRow((second.args as { id: string }).id);
    expect(Number(one.reference)).toBeGreaterThan(max);
    expect(Number(two.reference)).toBe(Number(one.reference) + 1);
    expect(one.reference).toMatch(/^\d{8}$/);
    expect(one.provisionalReference).toBe((first.args as { provisionalReference: string }).provisionalReference);
    const byProvisional = await test.server.store.query<{ id: string }>('SELECT id FROM service_requests WHERE provisional_reference = $1', [one.provisionalReference]);
    const byOfficial = await test.server.store.query<{ id: string }>('SELECT id FROM service_requests WHERE reference = $1', [one.reference]);
    expect(byProvisional).toEqual([{ id: one.id }]);
    expect(byOfficial).toEqual([{ id: one.id }]);
    // A second case with the same provisional reference is refused, not renumbered.
    const clash = await client.push([client.make('createCase', caseArgs(serviceType, { provisionalReference: one.provisionalReference! }))]);
    expect(clash.results[0]).toMatchObject({ status: 'rejected', error: { code: 'INVALID_INPUT' } });
  });

  it("reports the client's last processed mutation in pull, rejected ones included", async () => {
    const client = desk();
    expect((await client.pull(0, 1)).lastMutationId).toBe(0);
    await client.push([client.make('createCase', caseArgs(serviceType)), client.make('addNote', { id: uuid(), caseId: uuid(), text: 'nowhere' })]);
    const pull = await client.pull(0, 1);
    expect(pull.lastMutationId).toBe(2);
    expect((await desk().pull(0, 1)).lastMutationId).toBe(0);
  });

  it('refuses a malformed push or another protocol version and applies nothing', async () => {
    const client = desk();
    const good = client.make('createCase', caseArgs(serviceType));
    const logSize = await count('change_log');
    const malformed = await client.pushRaw([good, { id: 2, name: 'editCase', args: { caseId: 'not-a-uuid' }, createdAt: 'yesterday' }]);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    const otherVersion = await client.pushRaw([good], { protocolVersion: 2 });
    expect(otherVersion.status).toBe(400);
    expect(((await otherVersion.json()) as { error: { code: string } }).error.code).toBe('SYNC_PROTOCOL_MISMATCH');
    const unsigned = await new DeskClient(test.url, '').pushRaw([good]);
    expect(unsigned.status).toBe(401);
    expect(await count('change_log')).toBe(logSize);
    expect(await count('sync_clients', 'client_id = $1', [client.clientId])).toBe(0);
  });
});
