// Contract-valid sample data for the renderer's unit tests.
import type { CallControlState, TransferTargets } from '../../../shared/call-control.js';
import type { CallerRecord, CaseDetail, DeskAuthState, CaseSummary, OutboxEntry, ScreenPop, SessionInfo, SyncStatus, VoiceToken } from '../../../shared/desk-api.js';
import type { CaseConflict } from '../../../shared/domain/case-history.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import type { Agent } from '../../../shared/domain/agent.js';
import type { IncomingCall } from '../../../shared/domain/call.js';

export const agent: Agent = {
  id: 'demo-calltaker',
  displayName: 'Dana Call-Taker',
  role: 'call_taker',
  skills: ['general'],
  state: 'offline',
  stateSince: '2025-06-01T12:00:00Z',
  stateReason: null,
};

export const session: SessionInfo = {
  agent,
  serverUrl: 'http://127.0.0.1:8311',
  telephony: 'simulated',
  clientId: 'client-0001',
};

export const unlockedAuthState: DeskAuthState = {
  state: 'unlocked',
  agentId: agent.id,
  displayName: agent.displayName,
  reason: null,
  offlineUnlockUntil: '2025-06-02T00:00:00Z',
  lockAfterMinutes: 15,
  enrollment: null,
};

export const syncStatus: SyncStatus = {
  connection: 'online',
  lastSyncedAt: '2025-06-01T12:01:00Z',
  offlineSince: null,
  cursor: 10,
  headVersion: 10,
  rowsInCache: { callers: 60, serviceRequests: 200 },
  lastError: null,
  pendingMutations: 0,
  rejectedMutations: 0,
  openConflicts: 0,
  progress: null,
};

export const voiceToken: VoiceToken = { identity: 'demo-calltaker', token: 'token-1', expiresAt: '2025-06-01T13:00:00Z' };

export const callSid = 'CA0123456789abcdef0123456789abcdef';

export const inviteParams = {
  callId: '0190a8f2-7b1c-7c3e-8f00-112233445566',
  queue: 'general',
  is911Transfer: 'false',
  receivedAt: '2025-06-01T12:02:00Z',
};

export const incomingCall: IncomingCall = {
  callId: inviteParams.callId,
  callSid,
  from: '+12155550142',
  to: '+12155550100',
  queue: 'general',
  is911Transfer: false,
  receivedAt: inviteParams.receivedAt,
};

export const callerRecord: CallerRecord = {
  caller: {
    id: '0190a8f2-7b1c-7c3e-8f00-aabbccddeeff',
    name: 'Denise Whitfield',
    phones: ['+12155550142'],
    email: null,
    address: '1234 Federal St',
    zipcode: '19146',
    neighborhoodId: 'POINT_BREEZE',
    lat: 39.93,
    lon: -75.18,
    preferredLanguage: 'en',
    createdAt: '2024-01-01T00:00:00Z',
    updatedAt: '2024-01-01T00:00:00Z',
  },
  neighborhoodName: 'Point Breeze',
  cases: [],
  openCaseCount: 0,
  openNearby: [],
};

export const screenPop: ScreenPop = { query: '+12155550142', e164: '+12155550142', matches: [callerRecord], lookupMs: 0.4 };

export const serviceTypes: ServiceType[] = [
  { code: 'pothole-repair', name: 'Pothole Repair', agency: 'Streets Department', active: true, needsLocation: true },
  { code: 'illegal-dumping', name: 'Illegal Dumping', agency: 'Streets Department', active: true, needsLocation: true },
  { code: 'information-request', name: 'Information Request', agency: 'Philly311', active: true, needsLocation: false },
  { code: 'abandoned-bicycle', name: 'Abandoned Bicycle', agency: 'Police Department', active: false, needsLocation: true },
];

/** A case made on the desk while offline: its reference is still the provisional one. */
export const offlineCase: CaseSummary = {
  id: '0190a8f2-7b1c-7c3e-8f00-000000000001',
  reference: 'P-7K3Q-9XH2',
  provisionalReference: 'P-7K3Q-9XH2',
  callerId: callerRecord.caller.id,
  serviceTypeCode: 'pothole-repair',
  serviceTypeName: 'Pothole Repair',
  status: 'open',
  channel: 'phone',
  description: 'Deep pothole in the bike lane',
  address: '1234 Federal St',
  zipcode: '19146',
  neighborhoodId: null,
  lat: null,
  lon: null,
  agency: 'Streets Department',
  requestedAt: '2025-06-01T12:03:00Z',
  updatedAt: '2025-06-01T12:03:00Z',
  closedAt: null,
  fieldVersions: {},
  priority: 'standard',
};

/** The same case after the server gave it its official number. */
export const acceptedCase: CaseSummary = { ...offlineCase, reference: '10234567', fieldVersions: { description: 41, address: 41, status: 41 } };

export const conflict: CaseConflict = {
  id: '0190a8f2-7b1c-7c3e-8f00-0000000000c1',
  caseId: offlineCase.id,
  field: 'description',
  keptValue: 'Pothole, two feet wide',
  keptBy: { agentId: 'other-agent', clientId: 'client-0002', mutationId: 7, at: '2025-06-01T12:04:00Z' },
  losingValue: 'Deep pothole in the bike lane',
  losingBy: { agentId: 'demo-calltaker', clientId: 'client-0001', mutationId: 3, at: '2025-06-01T12:04:30Z' },
  detectedAt: '2025-06-01T12:05:00Z',
  resolvedAt: null,
  resolvedBy: null,
  resolution: null,
};

export const pendingEntry: OutboxEntry = {
  mutationId: 3,
  name: 'editCase',
  summary: 'Description of P-7K3Q-9XH2',
  createdAt: '2025-06-01T12:04:30Z',
  state: 'pending',
  error: null,
};

export const rejectedEntry: OutboxEntry = {
  mutationId: 2,
  name: 'changeStatus',
  summary: 'Status of 10234567 → open',
  createdAt: '2025-06-01T12:04:00Z',
  state: 'rejected',
  error: { code: 'INVALID_INPUT', message: 'a closed case cannot go to in progress' },
};

export const caseDetail: CaseDetail = { serviceRequest: acceptedCase, notes: [], conflicts: [conflict], pending: [pendingEntry] };

/** The server's view of `incomingCall`, answered by the agent. */
export const answeredCallState: CallControlState = {
  callId: incomingCall.callId,
  callSid,
  from: incomingCall.from,
  queue: 'general',
  is911Transfer: false,
  phase: 'answered',
  agentId: 'demo-calltaker',
  onHold: false,
  transfer: null,
  disposition: null,
  caseId: null,
  timeline: [
    { at: '2025-06-01T12:02:00Z', kind: 'received', agentId: null, detail: null },
    { at: '2025-06-01T12:02:01Z', kind: 'offered', agentId: 'demo-calltaker', detail: null },
    { at: '2025-06-01T12:02:04Z', kind: 'answered', agentId: 'demo-calltaker', detail: null },
  ],
};

export const transferTargets: TransferTargets = {
  departments: [
    { code: 'streets', name: 'Streets Department', phone: '+12156865560' },
    { code: 'water', name: 'Water Department', phone: '+12156856300' },
  ],
  agents: [{ id: 'demo-triage', displayName: 'Sam Okafor', state: 'available' }],
  emergencyLine: '+12156863000',
};
