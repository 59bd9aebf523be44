// The outbox and the rebase after a pull, on a real SQLite file: an offline case later accepted
// or rejected, an edit overwritten on the server and replayed on top, a conflict, and an
// outbox entry that never exists without its effect.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPullPage, openCache, Outbox, type CacheDatabase } from '../../fixtures/host/desk-host.js';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import type { PullResponse, RowChange } from '../../../shared/sync-protocol.js';
import { cityChangeLog, serviceRequests, uuid } from '../../fixtures/host/city-data.js';
import { makeTempDir, removeTempDirs } from '../../fixtures/host/temp-dirs.js';

let db: CacheDatabase;
let outbox: Outbox;
let version = 0;
const AT = '2025-06-02T09:00:00.000Z';

function pull(changes: RowChange[], lastMutationId: number, hasMore = false): void {
  const last = changes.at(-1)?.version ?? version;
  version = Math.max(version, last);
  const page: PullResponse = { protocolVersion: 1, cursor: version, lastMutationId, hasMore, headVersion: version, changes };
  applyPullPage(db, page, { afterRows: () => outbox.rebase(lastMutationId, !hasMore) });
}
const put = (row: ServiceRequest): RowChange => ({ op: 'put', entity: 'service_request', id: row.id, version: ++version, row: { ...row } });
const local = (id: string) => outbox.context.rows.get('service_request', id);
const outboxStates = () => outbox.list().map((entry) => `${entry.mutationId}:${entry.state}`);

beforeEach(() => {
  db = openCache(path.join(makeTempDir('rebase'), 'cache.sqlite'));
  outbox = new Outbox(db, 'demo-calltaker');
  version = 0;
  pull(cityChangeLog(), 0);
});
afterEach(() => {
  db.close();
  removeTempDirs();
});

const newCase = {
  id: uuid(500), provisionalReference: 'P-7K3Q-9XH2', callerId: uuid(1), serviceTypeCode: 'pothole-repair', channel: 'phone' as const,
  description: 'Pothole on Girard', address: '1200 E Girard Ave', zipcode: '19125', neighborhoodId: null, lat: null, lon: null, requestedAt: AT, priority: 'standard' as const,
};

describe('outbox and rebase', () => {
  it('numbers mutations from 1 and writes each with its effect', () => {
    expect(outbox.record('createCase', newCase, AT)).toEqual({ mutationId: 1, caseId: uuid(500) });
    expect(local(uuid(500))).toMatchObject({ reference: 'P-7K3Q-9XH2', status: 'open', agency: 'Streets Department' });
    expect(outbox.record('changeStatus', { caseId: uuid(500), status: 'in_progress', baseVersion: 0 }, AT).mutationId).toBe(2);
    expect(outbox.list().map((entry) => entry.summary)).toEqual(['New case P-7K3Q-9XH2', 'Status of P-7K3Q-9XH2 → in_progress']);
    // Invalid args never reach the outbox, and leave no effect behind.
    expect(() => outbox.record('addNote', { id: uuid(501), caseId: uuid(500), text: '' }, AT)).toThrow();
    expect(outbox.list()).toHaveLength(2);
    expect(outbox.nextBatch().map((m) => m.id)).toEqual([1, 2]);
  });

  it('keeps an offline case through pulls, then swaps in the server row with its official number', () => {
    outbox.record('createCase', newCase, AT);
    outbox.record('changeStatus', { caseId: uuid(500), status: 'in_progress', baseVersion: 0 }, AT);
    // A pull before the server has seen it: the case stays as the desk made it.
    pull([put({ ...serviceRequests[1]!, description: 'changed elsewhere' })], 0);
    expect(local(uuid(500))).toMatchObject({ reference: 'P-7K3Q-9XH2', status: 'in_progress' });

    outbox.recordResults([{ id: 1, status: 'applied', conflictIds: [] }, { id: 2, status: 'applied', conflictIds: [] }]);
    const official: ServiceRequest = {
      ...(local(uuid(500)) as ServiceRequest), reference: '19000001', status: 'in_progress', fieldVersions: { status: version + 2 },
    };
    pull([put({ ...official, status: 'open' }), put(official)], 2);
    expect(outbox.list()).toEqual([]);
    expect(local(uuid(500))).toMatchObject({ reference: '19000001', provisionalReference: 'P-7K3Q-9XH2', status: 'in_progress' });
    expect(db.prepare('SELECT count(*) FROM server_rows').pluck().get()).toBe(0);
  });

  it('undoes a rejected mutation, keeps it with its reason, and goes on with later ones', () => {
    const caseId = uuid(102);
    outbox.record('changeStatus', { caseId, status: 'closed', baseVersion: 0 }, AT);
    outbox.record('editCase', { caseId, changes: { description: 'Dumped tires' }, baseVersions: { description: 0 } }, AT);
    expect(local(caseId)).toMatchObject({ status: 'closed', description: 'Dumped tires' });

    outbox.recordResults([{ id: 1, status: 'rejected', error: { code: 'INVALID_INPUT', message: 'closed cases cannot close' } }]);
    pull([], 1);
    expect(local(caseId)).toMatchObject({ status: 'open', description: 'Dumped tires', closedAt: null });
    expect(outboxStates()).toEqual(['1:rejected', '2:pending']);
    expect(outbox.list()[0]?.error).toEqual({ code: 'INVALID_INPUT', message: 'closed cases cannot close' });

    outbox.acknowledge(1);
    expect(outboxStates()).toEqual(['2:pending']);
    expect(() => outbox.acknowledge(2)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('replays a pending edit over a newer server value, then shows the server value once it wins', () => {
    const caseId = uuid(102);
    outbox.record('editCase', { caseId, changes: { description: 'Mine', address: '1 Main St' }, baseVersions: { description: 0, address: 0 } }, AT);
    const server = { ...serviceRequests[1]!, description: 'Theirs', fieldVersions: { description: version + 1 } };
    pull([put(server)], 0);
    // Still pending: the desk shows its own edit on top of the newer server row.
    expect(local(caseId)).toMatchObject({ description: 'Mine', address: '1 Main St', fieldVersions: { description: server.fieldVersions.description } });

    // The server applied it: address merged, description lost to the earlier edit (a conflict).
    outbox.recordResults([{ id: 1, status: 'applied', conflictIds: [uuid(900)] }]);
    const after = { ...server, address: '1 Main St', fieldVersions: { ...server.fieldVersions, address: version + 1 } };
    const conflict: RowChange = {
      op: 'put', entity: 'case_conflict', id: uuid(900), version: version + 2,
      row: {
        id: uuid(900), caseId, field: 'description', keptValue: 'Theirs', keptBy: null, losingValue: 'Mine',
        losingBy: { agentId: 'demo-calltaker', clientId: 'client-0001', mutationId: 1, at: AT }, detectedAt: AT, resolvedAt: null, resolvedBy: null, resolution: null,
      },
    };
    pull([put(after), conflict], 1);
    expect(local(caseId)).toMatchObject({ description: 'Theirs', address: '1 Main St' });
    expect(outbox.list()).toEqual([]);

    // Taking the losing value is a new mutation whose effect shows at once.
    outbox.record('resolveConflict', { conflictId: uuid(900), resolution: 'take_losing' }, AT);
    expect(local(caseId)?.description).toBe('Mine');
    expect(outbox.context.rows.get('case_conflict', uuid(900))).toMatchObject({ resolution: 'take_losing', resolvedBy: 'demo-calltaker' });
    pull([], 1);
    expect(local(caseId)?.description).toBe('Mine');
  });

  it('keeps applied mutations replayed until the last page of a pull', () => {
    outbox.record('createCase', newCase, AT);
    outbox.recordResults([{ id: 1, status: 'applied', conflictIds: [] }]);
    pull([put(serviceRequests[0]!)], 1, true);
    expect(local(uuid(500))?.reference).toBe('P-7K3Q-9XH2');
    expect(outbox.list()).toHaveLength(1);
    pull([put({ ...(local(uuid(500)) as ServiceRequest), reference: '19000002' })], 1, false);
    expect(outbox.list()).toHaveLength(0);
    expect(local(uuid(500))?.reference).toBe('19000002');
  });

  it('removes an offline case the server deleted, and a note on it', () => {
    outbox.record('createCase', newCase, AT);
    outbox.record('addNote', { id: uuid(600), caseId: uuid(500), text: 'Caller will send photos' }, AT);
    expect(outbox.context.rows.get('case_note', uuid(600))).toMatchObject({ authorAgentId: 'demo-calltaker' });
    outbox.recordResults([
      { id: 1, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no such service type' } },
      { id: 2, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no such case' } },
    ]);
    pull([], 2);
    expect(local(uuid(500))).toBeNull();
    expect(outbox.context.rows.get('case_note', uuid(600))).toBeNull();
    expect(outboxStates()).toEqual(['1:rejected', '2:rejected']);
  });
});

describe('rebase skipped when a page leaves the outbox rows alone', () => {
  function pullTouchAware(changes: RowChange[], lastMutationId: number, hasMore = false): string[] {
    version = Math.max(version, changes.at(-1)?.version ?? version);
    const page: PullResponse = { protocolVersion: 1, cursor: version, lastMutationId, hasMore, headVersion: version, changes };
    let rebased: string[] = [];
    applyPullPage(db, page, { afterRows: ({ touched }) => (rebased = outbox.rebase(lastMutationId, !hasMore, touched)) });
    return rebased;
  }

  it('keeps the pending edit without replaying on an unrelated page, and replays when its row arrives', () => {
    const mine = uuid(102);
    const other = serviceRequests.find((row) => row.id !== mine)!;
    outbox.record('editCase', { caseId: mine, changes: { description: 'Mine' }, baseVersions: { description: 0 } }, AT);
    // The first pull after recording still rebases (the outbox has not been rebased since).
    pullTouchAware([put({ ...other, description: 'elsewhere 1' })], 0);
    // An unrelated page: nothing to replay, the optimistic edit stays, the other case is the server's.
    expect(pullTouchAware([put({ ...other, description: 'elsewhere 2' })], 0)).toEqual([]);
    expect(local(mine)).toMatchObject({ description: 'Mine' });
    expect(local(other.id)).toMatchObject({ description: 'elsewhere 2' });
    // The server's row of the edited case arrives: restored, then the pending edit replayed on top.
    const server = { ...(serviceRequests.find((row) => row.id === mine) as ServiceRequest), address: 'Server address' };
    expect(pullTouchAware([put(server)], 0)).toContain(mine);
    expect(local(mine)).toMatchObject({ description: 'Mine', address: 'Server address' });
    expect(outboxStates()).toEqual(['1:pending']);
  });
});
