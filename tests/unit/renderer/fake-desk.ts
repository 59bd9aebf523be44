// An in-process DeskClient for the renderer's unit tests: every method a vi.fn answering with
// contract-valid fixtures, events emitted by hand.
import { vi } from 'vitest';
import type { DeskClient, DeskEventName, DeskEventPayload } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';
import { agent, acceptedCase, answeredCallState, transferTargets, callerRecord, caseDetail, offlineCase, pendingEntry, rejectedEntry, screenPop, serviceTypes, session, syncStatus, unlockedAuthState, voiceToken } from './fixtures.js';

export function createFakeDesk(overrides: Partial<DeskClient> = {}) {
  const calls: string[] = [];
  const listeners = new Map<DeskEventName, Set<(payload: unknown) => void>>();
  const desk: DeskClient = {
    getAuthState: vi.fn(async () => (calls.push('getAuthState'), unlockedAuthState)),
    signIn: vi.fn(async () => (calls.push('signIn'), unlockedAuthState)),
    completeTotpEnrollment: vi.fn(async () => unlockedAuthState),
    unlock: vi.fn(async () => (calls.push('unlock'), unlockedAuthState)),
    lock: vi.fn(async ({ reason }) => (calls.push(`lock:${reason}`), { ...unlockedAuthState, state: 'locked' as const, reason })),
    signOut: vi.fn(async ({ everywhere }) => (calls.push(`signOut:${everywhere ?? false}`), {
      ...unlockedAuthState, state: 'signed_out' as const, reason: everywhere ? 'signed_out_everywhere' : 'signed_out',
    })),
    getSession: vi.fn(async () => (calls.push('getSession'), session)),
    lookupCaller: vi.fn(async () => (calls.push('lookupCaller'), screenPop)),
    getSyncStatus: vi.fn(async () => (calls.push('getSyncStatus'), syncStatus)),
    syncNow: vi.fn(async () => syncStatus),
    setAgentState: vi.fn(async ({ state }) => (calls.push(`setAgentState:${state}`), { ...agent, state })),
    getVoiceToken: vi.fn(async () => voiceToken),
    listServiceTypes: vi.fn(async () => serviceTypes),
    createCaller: vi.fn(async () => callerRecord.caller),
    createCase: vi.fn(async () => offlineCase),
    getCase: vi.fn(async () => caseDetail),
    searchCases: vi.fn(async () => [acceptedCase]),
    editCase: vi.fn(async () => acceptedCase),
    changeCaseStatus: vi.fn(async ({ status }) => ({ ...acceptedCase, status })),
    linkCaller: vi.fn(async () => acceptedCase),
    addCaseNote: vi.fn(async ({ caseId, text }) => ({
      id: '0190a8f2-7b1c-7c3e-8f00-0000000000a1',
      caseId,
      text,
      authorAgentId: agent.id,
      createdAt: '2025-06-01T12:06:00Z',
    })),
    resolveConflict: vi.fn(async ({ resolution }) => ({
      ...caseDetail.conflicts[0]!,
      resolution,
      resolvedAt: '2025-06-01T12:07:00Z',
      resolvedBy: agent.id,
    })),
    listOutbox: vi.fn(async () => [pendingEntry, rejectedEntry]),
    acknowledgeRejection: vi.fn(async () => ({ ok: true as const })),
    getCallState: vi.fn(async () => (calls.push('getCallState'), answeredCallState)),
    holdCall: vi.fn(async ({ onHold }) => (calls.push(`holdCall:${onHold}`), { ...answeredCallState, onHold })),
    transferCall: vi.fn(async ({ mode, target }) => (calls.push(`transferCall:${mode}:${target.kind}`), {
      ...answeredCallState,
      transfer: { mode, target, targetName: 'Streets Department', status: 'dialing' as const, startedAt: '2025-06-01T12:03:00Z', failure: null },
    })),
    completeTransfer: vi.fn(async () => (calls.push('completeTransfer'), answeredCallState)),
    cancelTransfer: vi.fn(async () => (calls.push('cancelTransfer'), answeredCallState)),
    wrapUpCall: vi.fn(async ({ disposition, caseId }) => (calls.push(`wrapUpCall:${disposition}`), {
      call: { ...answeredCallState, phase: 'ended' as const, disposition, caseId: caseId ?? null },
      agent: { ...agent, state: 'available' as const, stateSince: '2025-06-01T12:10:00Z', stateReason: 'wrap-up done' },
    })),
    listTransferTargets: vi.fn(async () => (calls.push('listTransferTargets'), transferTargets)),
    // Triage has its own tests; here it only has to exist (tests override it when they need it).
    listTriageProtocols: vi.fn(async () => []),
    publishTriageProtocol: vi.fn(async () => {
      throw new DeskFailure('NOT_FOUND', 'no triage in the fake desk');
    }),
    recordTriage: vi.fn(async () => {
      throw new DeskFailure('NOT_FOUND', 'no triage in the fake desk');
    }),
    // The wallboard: a relay that is up, and supervisor actions that echo what they were asked.
    watchWallboard: vi.fn(async ({ watcherId }) => (calls.push(`watchWallboard:${watcherId}`), { leaseMs: 30_000, feed: 'open' as const, downSince: null })),
    unwatchWallboard: vi.fn(async ({ watcherId }) => (calls.push(`unwatchWallboard:${watcherId}`), { ok: true as const })),
    resyncWallboard: vi.fn(async () => (calls.push('resyncWallboard'), { ok: true as const })),
    getWallboardPreferences: vi.fn(async () => ({ bigScreenCards: ['queue:general' as const, 'agents' as const], bigScreen: false })),
    saveWallboardPreferences: vi.fn(async (preferences) => (calls.push('saveWallboardPreferences'), {
      bigScreenCards: preferences.bigScreenCards ?? [], bigScreen: preferences.bigScreen ?? false,
    })),
    supervisorSetAgentState: vi.fn(async ({ agentId, state, reason }) => (calls.push(`supervisorSetAgentState:${agentId}:${state}`), {
      ...agent, id: agentId, state, stateReason: reason ?? null,
    })),
    supervisorSetAgentSkills: vi.fn(async ({ agentId, skills }) => ({ ...agent, id: agentId, skills })),
    monitorCall: vi.fn(async ({ callId, mode }) => (calls.push(`monitorCall:${mode}`), { callId, supervisorId: agent.id, mode, legSid: null })),
    leaveMonitoredCall: vi.fn(async ({ callId }) => ({ callId, supervisorId: agent.id, mode: null, legSid: null })),
    setCallPriority: vi.fn(async ({ callId, priority }) => ({ callId, priority })),
    assignCall: vi.fn(async ({ callId, agentId }) => (calls.push(`assignCall:${agentId}`), { callId, agentId })),
    searchAudit: vi.fn(async () => (calls.push('searchAudit'), { entries: [], nextCursor: null })),
    exportAudit: vi.fn(async () => (calls.push('exportAudit'), { fileName: 'frontdesk311-audit.csv', csv: 'seq\r\n' })),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    ...overrides,
  };
  const emit = <E extends DeskEventName>(event: E, payload: DeskEventPayload<E>) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  return { desk, calls, emit };
}
