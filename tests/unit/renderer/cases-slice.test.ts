// The cases and outbox actions of the store: each computes the next state from the current one.
import { describe, expect, it } from 'vitest';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { acceptedCase, caseDetail, offlineCase, pendingEntry, rejectedEntry, serviceTypes, syncStatus } from './fixtures.js';

const caller = { id: offlineCase.callerId!, name: 'Denise Whitfield', address: '1234 Federal St', zipcode: '19146' };

describe('cases slice', () => {
  it('sorts service types by name', () => {
    const store = createDeskStore();
    store.getState().serviceTypesLoaded(serviceTypes);
    expect(store.getState().serviceTypes.map((type) => type.name)).toEqual(['Abandoned Bicycle', 'Illegal Dumping', 'Information Request', 'Pothole Repair']);
  });

  it('takes an intake from form to created case, and follows the case to its official number', () => {
    const store = createDeskStore();
    store.getState().intakeStarted('CA1', caller);
    store.getState().intakeSaveStarted();
    expect(store.getState().intake).toMatchObject({ callSid: 'CA1', saving: true, created: null });
    store.getState().intakeSaveFailed({ code: 'INVALID_INPUT', message: 'description too long' });
    expect(store.getState().intake).toMatchObject({ saving: false, error: { code: 'INVALID_INPUT' } });
    store.getState().intakeSaveStarted();
    store.getState().caseCreated(offlineCase);
    expect(store.getState().intake).toMatchObject({ saving: false, error: null, created: { reference: 'P-7K3Q-9XH2' } });
    store.getState().caseSummaryUpdated(acceptedCase);
    expect(store.getState().intake?.created?.reference).toBe('10234567');
    store.getState().intakeClosed();
    expect(store.getState().intake).toBeNull();
  });

  it('keeps the new-caller form to its own call', () => {
    const store = createDeskStore();
    store.getState().callerSaveStarted('CA1');
    store.getState().callerSaved('CA2', { ...caseDetailCaller() });
    expect(store.getState().callerForm).toMatchObject({ callSid: 'CA1', saving: true, saved: null });
    store.getState().callerSaved('CA1', caseDetailCaller());
    expect(store.getState().callerForm).toMatchObject({ saving: false, saved: { name: 'Ann Lee' } });
  });

  it('loads a case detail only for the case still open, and keeps it on a failed refresh', () => {
    const store = createDeskStore();
    store.getState().caseOpened(offlineCase.id);
    store.getState().caseDetailLoaded('0190a8f2-7b1c-7c3e-8f00-ffffffffffff', caseDetail);
    expect(store.getState().caseDetail.status).toBe('loading');
    store.getState().caseDetailLoaded(offlineCase.id, caseDetail);
    expect(store.getState().caseDetail).toMatchObject({ status: 'ready', busy: false, actionError: null });
    store.getState().caseActionStarted(offlineCase.id);
    expect(store.getState().caseDetail).toMatchObject({ busy: true });
    store.getState().caseActionFailed(offlineCase.id, { code: 'INVALID_INPUT', message: 'closed cases cannot be edited' });
    expect(store.getState().caseDetail).toMatchObject({ status: 'ready', busy: false, actionError: { code: 'INVALID_INPUT' } });
    store.getState().caseDetailFailed(offlineCase.id, { code: 'CACHE_CORRUPT', message: 'unreadable' });
    expect(store.getState().caseDetail).toMatchObject({ status: 'ready', actionError: { code: 'CACHE_CORRUPT' } });
    store.getState().caseDetailClosed();
    store.getState().caseDetailLoaded(offlineCase.id, caseDetail);
    expect(store.getState().caseDetail).toEqual({ status: 'closed' });
  });

  it('shows a failed first load as failed', () => {
    const store = createDeskStore();
    store.getState().caseOpened(offlineCase.id);
    store.getState().caseDetailFailed(offlineCase.id, { code: 'NOT_FOUND', message: 'gone' });
    expect(store.getState().caseDetail).toEqual({ status: 'failed', caseId: offlineCase.id, error: { code: 'NOT_FOUND', message: 'gone' } });
  });

  it('keeps only the answer to the latest search', () => {
    const store = createDeskStore();
    store.getState().caseSearchStarted('pot');
    store.getState().caseSearchStarted('pothole');
    store.getState().caseSearchFinished('pot', [offlineCase]);
    expect(store.getState().caseSearch).toMatchObject({ query: 'pothole', status: 'searching', results: [] });
    store.getState().caseSearchFinished('pothole', [offlineCase]);
    expect(store.getState().caseSearch).toMatchObject({ status: 'done', results: [offlineCase] });
    store.getState().caseSummaryUpdated(acceptedCase);
    expect(store.getState().caseSearch.results[0]?.reference).toBe('10234567');
    store.getState().caseSearchCleared();
    expect(store.getState().caseSearch).toEqual({ query: '', status: 'idle', results: [], error: null });
  });
});

describe('outbox and toast', () => {
  it('opens, loads, acknowledges a rejection and counts it down at once', () => {
    const store = createDeskStore();
    store.getState().syncStatusReceived({ ...syncStatus, rejectedMutations: 1, pendingMutations: 1 });
    store.getState().outboxLoaded([pendingEntry]);
    expect(store.getState().outbox.entries).toEqual([]);
    store.getState().outboxOpened();
    store.getState().outboxLoadStarted();
    store.getState().outboxLoaded([pendingEntry, rejectedEntry]);
    expect(store.getState().outbox).toMatchObject({ open: true, loading: false, entries: [pendingEntry, rejectedEntry] });
    store.getState().rejectionAcknowledgeStarted(rejectedEntry.mutationId);
    expect(store.getState().outbox.acknowledging).toEqual([rejectedEntry.mutationId]);
    store.getState().rejectionAcknowledged(rejectedEntry.mutationId);
    expect(store.getState().outbox).toMatchObject({ entries: [pendingEntry], acknowledging: [] });
    expect(store.getState().syncStatus?.rejectedMutations).toBe(0);
    store.getState().outboxClosed();
    expect(store.getState().outbox.open).toBe(false);
  });

  it('keeps a failed acknowledgement visible with its reason', () => {
    const store = createDeskStore();
    store.getState().outboxOpened();
    store.getState().outboxLoaded([rejectedEntry]);
    store.getState().rejectionAcknowledgeStarted(rejectedEntry.mutationId);
    store.getState().rejectionAcknowledgeFailed(rejectedEntry.mutationId, { code: 'INTERNAL', message: 'disk full' });
    expect(store.getState().outbox).toMatchObject({ entries: [rejectedEntry], acknowledging: [], error: { code: 'INTERNAL' } });
  });

  it('raises a new toast for each push with rejections or conflicts, none for clean pushes', () => {
    const store = createDeskStore();
    store.getState().mutationResultsReceived([{ id: 1, status: 'applied', conflictIds: [] }]);
    expect(store.getState().toast).toBeNull();
    store.getState().mutationResultsReceived([{ id: 2, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no case' } }]);
    expect(store.getState().toast).toMatchObject({ id: 1, tone: 'bad' });
    store.getState().mutationResultsReceived([{ id: 3, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no case' } }]);
    expect(store.getState().toast?.id).toBe(2);
    store.getState().toastDismissed();
    expect(store.getState().toast).toBeNull();
  });
});

function caseDetailCaller() {
  return {
    id: '0190a8f2-7b1c-7c3e-8f00-00000000ca11',
    name: 'Ann Lee',
    phones: ['+12675550177'],
    email: null,
    address: null,
    zipcode: null,
    neighborhoodId: null,
    lat: null,
    lon: null,
    preferredLanguage: 'en',
    createdAt: '2025-06-01T12:00:00Z',
    updatedAt: '2025-06-01T12:00:00Z',
  };
}
