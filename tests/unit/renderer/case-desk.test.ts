// Case work against an in-process desk: intake from a call, the detail's changes, search, the
// outbox, and how host events bring what is on screen up to date.
import { describe, expect, it, vi } from 'vitest';
import { CaseDesk } from '../../../renderer/cases/case-desk.js';
import { createLogger } from '../../../renderer/lib/log.js';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { DeskFailure } from '../../../shared/errors.js';
import { createFakeDesk } from './fake-desk.js';
import { acceptedCase, callerRecord, caseDetail, offlineCase, rejectedEntry, syncStatus } from './fixtures.js';

function setup(overrides: Parameters<typeof createFakeDesk>[0] = {}) {
  const { desk, emit } = createFakeDesk(overrides);
  const store = createDeskStore();
  const cases = new CaseDesk(desk, store, createLogger('test-cases'));
  const unsubscribe = cases.subscribe();
  return { desk, emit, store, cases, unsubscribe };
}

describe('CaseDesk intake', () => {
  it('saves an unknown caller with the number in E.164, then opens a case for them', async () => {
    const { desk, store, cases } = setup();
    await cases.saveCaller('CA1', { name: ' Denise Whitfield ', phone: '(215) 555-0142', address: '1234 Federal St ' });
    expect(desk.createCaller).toHaveBeenCalledWith({ name: 'Denise Whitfield', phones: ['+12155550142'], address: '1234 Federal St', lat: null, lon: null });
    expect(store.getState().callerForm).toMatchObject({ callSid: 'CA1', saved: { id: callerRecord.caller.id } });
    expect(store.getState().intake).toMatchObject({ callSid: 'CA1', caller: { id: callerRecord.caller.id, address: '1234 Federal St', zipcode: '19146' } });
    await vi.waitFor(() => expect(store.getState().serviceTypes).toHaveLength(4));
  });

  it('keeps the form with the reason when the caller cannot be saved', async () => {
    const { store, cases } = setup({ createCaller: vi.fn(async () => Promise.reject(new DeskFailure('INVALID_PHONE', 'not a phone number'))) });
    await cases.saveCaller('CA1', { name: 'X', phone: 'abc', address: '' });
    expect(store.getState().callerForm).toMatchObject({ saving: false, error: { code: 'INVALID_PHONE' }, saved: null });
    expect(store.getState().intake).toBeNull();
  });

  it('creates the case once, sending the caller ZIP only for the caller address', async () => {
    const { desk, store, cases } = setup();
    cases.startIntake('CA1', { id: callerRecord.caller.id, name: 'Denise', address: '1234 Federal St', zipcode: '19146' });
    await cases.submitCase({ serviceTypeCode: 'pothole-repair', description: ' Deep pothole ', address: '1234 Federal St' });
    expect(desk.createCase).toHaveBeenCalledWith({
      callerId: callerRecord.caller.id,
      serviceTypeCode: 'pothole-repair',
      channel: 'phone',
      description: 'Deep pothole',
      address: '1234 Federal St',
      zipcode: '19146',
      lat: null,
      lon: null,
    });
    expect(store.getState().intake?.created?.reference).toBe('P-7K3Q-9XH2');
    await cases.submitCase({ serviceTypeCode: 'pothole-repair', description: 'again', address: '' });
    expect(desk.createCase).toHaveBeenCalledTimes(1);

    cases.startIntake(null, { id: callerRecord.caller.id, name: 'Denise', address: '1234 Federal St', zipcode: '19146' });
    await cases.submitCase({ serviceTypeCode: 'illegal-dumping', description: '', address: '20 S Broad St' });
    expect(vi.mocked(desk.createCase).mock.calls[1]?.[0]).toMatchObject({ address: '20 S Broad St', zipcode: null });
  });

  it('turns the provisional reference official when the host says the case changed', async () => {
    const { desk, emit, store, cases } = setup();
    cases.startIntake('CA1', null);
    await cases.submitCase({ serviceTypeCode: 'information-request', description: 'hours of the rec center', address: '' });
    expect(store.getState().intake?.created?.reference).toBe('P-7K3Q-9XH2');
    emit('casesChanged', { caseIds: [offlineCase.id] });
    await vi.waitFor(() => expect(store.getState().intake?.created?.reference).toBe('10234567'));
    expect(desk.getCase).toHaveBeenCalledWith({ caseId: offlineCase.id });
  });

  it('also re-reads a provisional case after a sync status while online, not while offline', async () => {
    const { desk, emit, store, cases } = setup();
    cases.startIntake(null, null);
    await cases.submitCase({ serviceTypeCode: 'information-request', description: '', address: '' });
    emit('syncStatus', { ...syncStatus, connection: 'offline', offlineSince: '2025-06-01T12:00:00Z' });
    expect(desk.getCase).not.toHaveBeenCalled();
    emit('syncStatus', syncStatus);
    await vi.waitFor(() => expect(store.getState().intake?.created?.reference).toBe('10234567'));
  });
});

describe('CaseDesk case detail', () => {
  it('opens a case, changes its status and re-reads it', async () => {
    const { desk, store, cases } = setup();
    await cases.openCase(offlineCase.id);
    expect(store.getState().caseDetail).toMatchObject({ status: 'ready', detail: { conflicts: [{ field: 'description' }] } });
    await cases.changeStatus(offlineCase.id, 'in_progress');
    expect(desk.changeCaseStatus).toHaveBeenCalledWith({ caseId: offlineCase.id, status: 'in_progress' });
    expect(desk.getCase).toHaveBeenCalledTimes(2);
    expect(store.getState().caseDetail).toMatchObject({ status: 'ready', busy: false });
  });

  it('edits only what changed, adds notes and resolves conflicts', async () => {
    const { desk, cases } = setup();
    await cases.openCase(offlineCase.id);
    await cases.editCase(offlineCase.id, { address: '1300 Federal St' });
    expect(desk.editCase).toHaveBeenCalledWith({ caseId: offlineCase.id, changes: { address: '1300 Federal St' } });
    expect(await cases.addNote(offlineCase.id, 'Caller called back')).toBe(true);
    await cases.resolveConflict(offlineCase.id, caseDetail.conflicts[0]!.id, 'take_losing');
    expect(desk.resolveConflict).toHaveBeenCalledWith({ conflictId: caseDetail.conflicts[0]!.id, resolution: 'take_losing' });
  });

  it('shows why a change failed and keeps the case on screen', async () => {
    const { store, cases } = setup({ addCaseNote: vi.fn(async () => Promise.reject({ code: 'NOT_FOUND', message: 'the case is gone' })) });
    await cases.openCase(offlineCase.id);
    expect(await cases.addNote(offlineCase.id, 'hello')).toBe(false);
    expect(store.getState().caseDetail).toMatchObject({ status: 'ready', busy: false, actionError: { code: 'NOT_FOUND', message: 'the case is gone' } });
  });

  it('refreshes the open case on casesChanged for it and on mutation results', async () => {
    const { desk, emit, store, cases } = setup();
    await cases.openCase(offlineCase.id);
    emit('casesChanged', { caseIds: ['0190a8f2-7b1c-7c3e-8f00-ffffffffffff'] });
    expect(desk.getCase).toHaveBeenCalledTimes(1);
    emit('casesChanged', { caseIds: [offlineCase.id] });
    await vi.waitFor(() => expect(desk.getCase).toHaveBeenCalledTimes(2));
    emit('mutationResults', [{ id: 4, status: 'applied', conflictIds: [caseDetail.conflicts[0]!.id] }]);
    await vi.waitFor(() => expect(desk.getCase).toHaveBeenCalledTimes(3));
    expect(store.getState().toast).toMatchObject({ tone: 'wait' });
  });
});

describe('CaseDesk search and outbox', () => {
  it('searches with the normalized query and clears on blank input', async () => {
    const { desk, store, cases } = setup();
    await cases.search(' p-7k3q-9xh2 ');
    expect(desk.searchCases).toHaveBeenCalledWith({ query: 'P-7K3Q-9XH2', limit: 20 });
    expect(store.getState().caseSearch).toMatchObject({ status: 'done', results: [acceptedCase] });
    await cases.search('   ');
    expect(desk.searchCases).toHaveBeenCalledTimes(1);
    expect(store.getState().caseSearch.status).toBe('idle');
  });

  it('lists the outbox, acknowledges a rejection once, and reloads on new results', async () => {
    const { desk, emit, store, cases } = setup();
    await cases.openOutbox();
    expect(store.getState().outbox.entries).toHaveLength(2);
    await Promise.all([cases.acknowledgeRejection(rejectedEntry.mutationId), cases.acknowledgeRejection(rejectedEntry.mutationId)]);
    expect(desk.acknowledgeRejection).toHaveBeenCalledTimes(1);
    expect(store.getState().outbox.entries.map((entry) => entry.state)).toEqual(['pending']);
    emit('mutationResults', [{ id: 5, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no such caller' } }]);
    await vi.waitFor(() => expect(desk.listOutbox).toHaveBeenCalledTimes(2));
    expect(store.getState().toast).toMatchObject({ tone: 'bad' });
  });

  it('stops listening when unsubscribed', async () => {
    const { emit, store, unsubscribe } = setup();
    for (const stop of unsubscribe) stop();
    emit('mutationResults', [{ id: 5, status: 'rejected', error: { code: 'NOT_FOUND', message: 'x' } }]);
    expect(store.getState().toast).toBeNull();
  });
});
