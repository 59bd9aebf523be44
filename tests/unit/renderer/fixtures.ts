// Contract-valid sample data for the renderer's unit tests.
import type { CallerRecord, ScreenPop, SessionInfo, SyncStatus, VoiceToken } from '../../../shared/desk-api.js';
import type { Agent } from '../../../shared/domain/agent.js';
import type { IncomingCall } from '../../../shared/domain/call.js';

export const agent: Agent = {
  id: 'demo-calltaker',
  displayName: 'Dana Call-Taker',
  role: 'call_taker',
  skills: ['general'],
  state: 'offline',
  stateSince: '2025-06-01T12:00:00Z',
};

export const session: SessionInfo = {
  agent,
  serverUrl: 'http://127.0.0.1:8311',
  telephony: 'simulated',
  clientId: 'client-0001',
};

export const syncStatus: SyncStatus = {
  connection: 'online',
  lastSyncedAt: '2025-06-01T12:01:00Z',
  offlineSince: null,
  cursor: 10,
  headVersion: 10,
  rowsInCache: { callers: 60, serviceRequests: 200 },
  lastError: null,
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
