// The triage flow of the desk, without a DOM: a 911 transfer offers the protocol and opens it on
// answer; Return to 911 warm-transfers with the summary and records; a service-request outcome
// opens the routed case with the captured fields and attaches the record; failures keep the run.
import { describe, expect, it, vi } from 'vitest';
import { DeskFailure } from '../../../shared/errors.js';
import type { TriageRecord } from '../../../shared/triage/record.js';
import { TriageRun } from '../../../shared/triage/runner.js';
import { createLogger } from '../../../renderer/lib/log.js';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { caseDescription, TriageDesk, triageSummary } from '../../../renderer/triage/triage-desk.js';
import { createFakeDesk } from './fake-desk.js';
import { acceptedCase, incomingCall, screenPop } from './fixtures.js';
import { NOW, serviceTypes, starterPublished } from './protocol-editor-fixtures.js';

function setUp() {
  const fake = createFakeDesk({
    listTriageProtocols: vi.fn(async () => starterPublished()),
    listServiceTypes: vi.fn(async () => serviceTypes),
    recordTriage: vi.fn(async ({ record, caseId, callId }) => ({
      id: '0190a8f2-7b1c-7c3e-8f00-0000000000f1', caseId, callId, callTakerId: record.callTakerId,
      outcomeKind: record.outcome?.node.kind ?? null, determinant: record.outcome?.determinant ?? null,
      escalated: record.outcome?.escalated ?? false, startedAt: record.startedAt, elapsedMs: record.elapsedMs, record,
      createdAt: record.startedAt,
    })),
    createCase: vi.fn(async () => acceptedCase),
  });
  const store = createDeskStore();
  const triage = new TriageDesk(fake.desk, store, createLogger('test'), () => NOW);
  return { desk: fake.desk, store, triage };
}

const call911 = { ...incomingCall, is911Transfer: true, queue: 'triage' as const };

/** Walks the real runner over the starter library with the given answers. */
function walk(triage: { store: ReturnType<typeof createDeskStore> }, answers: Array<string | number | boolean>): TriageRecord {
  const library = triage.store.getState().triageLibrary;
  if (!library) throw new Error('library not loaded');
  let clock = NOW.getTime();
  let run = TriageRun.start({ library, runId: 'run-1', callTakerId: 'demo-calltaker', callSid: call911.callSid, clock: () => (clock += 1000) });
  for (const answer of answers) {
    const result = run.answer(answer);
    if (!result.ok) throw new Error(`${String(answer)}: ${result.error.message}`);
    run = result.run;
  }
  return run.record({ location: '1500 Market St', callbackNumber: call911.from });
}

describe('TriageDesk', () => {
  it('loads the protocols in effect and validates them as one set', async () => {
    const { triage, store } = setUp();
    await triage.loadLibrary();
    expect(store.getState().triageLibraryError).toBeNull();
    expect(store.getState().triageLibrary).not.toBeNull();
  });

  it('says why when the cached protocols do not form a valid set', async () => {
    const { triage, store, desk } = setUp();
    vi.mocked(desk.listTriageProtocols).mockResolvedValueOnce(starterPublished().filter((entry) => entry.id !== 'safety-screen'));
    await triage.loadLibrary();
    expect(store.getState().triageLibrary).toBeNull();
    expect(store.getState().triageLibraryError?.message).toMatch(/do not validate/);
  });

  it('offers the protocol when a 911 transfer rings and opens it on answer, with the caller on screen', async () => {
    const { triage, store } = setUp();
    await triage.loadLibrary();
    store.setState({ screenPop: { status: 'ready', callSid: call911.callSid, pop: screenPop } });
    triage.callRinging(call911);
    expect(store.getState().triageRun).toEqual({ status: 'ready', callId: call911.callId, callSid: call911.callSid });
    triage.callAccepted({ ...call911, callSid: 'CAffffffffffffffffffffffffffffffff' });
    expect(store.getState().triageRun.status).toBe('ready');
    triage.callAccepted(call911);
    const run = store.getState().triageRun;
    expect(run).toMatchObject({ status: 'open', callId: call911.callId, callbackNumber: call911.from });
    expect(run.status === 'open' && run.location).toBe(screenPop.matches[0]?.caller.address ?? '');
  });

  it('does not open by itself for a regular call', () => {
    const { triage, store } = setUp();
    triage.callRinging(incomingCall);
    triage.callAccepted(incomingCall);
    expect(store.getState().triageRun.status).toBe('none');
  });

  it('returns the caller to 911 with a warm transfer carrying the summary, then records the run', async () => {
    const { triage, store, desk } = setUp();
    await triage.loadLibrary();
    store.setState({ currentCall: call911 });
    triage.open(call911);
    const record = walk({ store }, [true]);
    await triage.returnTo911(record);
    expect(desk.transferCall).toHaveBeenCalledWith(expect.objectContaining({
      callId: call911.callId, mode: 'warm', target: { kind: 'emergency_911' }, summary: triageSummary(record),
    }));
    expect(triageSummary(record)).toContain('1500 Market St');
    expect(desk.recordTriage).toHaveBeenCalledWith({ record, caseId: null, callId: call911.callId });
    expect(store.getState().triageRun).toMatchObject({ status: 'done', result: { kind: 'returned_to_911' } });
  });

  it('keeps the run open and says why when the transfer to 911 fails', async () => {
    const { triage, store, desk } = setUp();
    await triage.loadLibrary();
    store.setState({ currentCall: call911 });
    triage.open(call911);
    vi.mocked(desk.transferCall).mockRejectedValueOnce(new DeskFailure('SERVER_UNREACHABLE', 'offline'));
    await triage.returnTo911(walk({ store }, [true]));
    expect(store.getState().triageRun.status).toBe('open');
    expect(store.getState().triageError?.code).toBe('SERVER_UNREACHABLE');
    expect(desk.recordTriage).not.toHaveBeenCalled();
  });

  it('opens the routed case from a service-request outcome with the captured fields, and attaches the record', async () => {
    const { triage, store, desk } = setUp();
    await triage.loadLibrary();
    store.setState({ screenPop: { status: 'ready', callSid: call911.callSid, pop: screenPop } });
    store.setState({ currentCall: call911 });
    triage.open(call911);
    const record = walk({ store }, [false, false, false, false, 'vehicles', 'abandoned_vehicle', false, 12, '2200 Walnut St', 'Blue Honda Civic', true, 'abc 1234']);
    expect(record.outcome?.node.kind).toBe('service_request');
    await triage.finish(record);
    expect(desk.createCase).toHaveBeenCalledWith(expect.objectContaining({
      serviceTypeCode: 'abandoned-vehicle', address: '2200 Walnut St', description: caseDescription(record), channel: 'transfer_911',
      priority: record.outcome?.node.kind === 'service_request' ? record.outcome.node.priority : 'none',
      callerId: screenPop.matches[0]?.caller.id,
    }));
    expect(caseDescription(record)).toContain('Vehicle plate: ABC1234');
    expect(desk.recordTriage).toHaveBeenCalledWith({ record, caseId: acceptedCase.id, callId: call911.callId });
    expect(store.getState().triageRun).toMatchObject({ status: 'done', result: { kind: 'case_created', reference: acceptedCase.reference } });
  });
});
