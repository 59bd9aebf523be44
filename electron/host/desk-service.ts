// The host's implementation of DeskApi: sign-in and locking from auth/desk-auth.ts (and the gate
// of auth/desk-gate.ts around everything else), session facts, the screen pop, sync status, the
// few calls that go to the server (agent state, voice token), the case methods from
// cases/case-desk.ts, the call control from calls/call-desk.ts, triage from triage/triage-desk.ts, the
// wallboard from live/wallboard-desk.ts and the audit search from audit/audit-desk.ts. Transports
// reach it through `handleDeskCall`, re-exported here.
import type { DeskApi, DeskClient, DeskResult, SessionInfo } from '../../shared/desk-api.js';
import type { Agent } from '../../shared/domain/agent.js';
import type { AuditDeskMethods } from './audit/audit-desk.js';
import type { DeskAuth } from './auth/desk-auth.js';
import { gateDeskApi } from './auth/desk-gate.js';
import type { CallDeskMethods } from './calls/call-desk.js';
import type { CallerLookup } from './callers/lookup.js';
import type { CaseDeskMethods } from './cases/case-desk.js';
import type { DeskEventHub } from './desk-events.js';
import type { WallboardDeskMethods } from './live/wallboard-desk.js';
import type { ServerSession } from './sync/server-session.js';
import type { SyncLoop } from './sync/sync-loop.js';
import type { TriageDeskMethods } from './triage/triage-desk.js';

export { handleDeskCall } from './desk-dispatch.js';

export type Telephony = SessionInfo['telephony'];

/** What every transport wraps: the API plus event subscription. */
export type DeskService = DeskClient;

export interface DeskServiceParts {
  serverUrl: string;
  clientId: string;
  telephony: Telephony;
  session: ServerSession;
  auth: DeskAuth;
  lookup: CallerLookup;
  cases: CaseDeskMethods;
  calls: CallDeskMethods;
  triage: TriageDeskMethods;
  /** The team lead's wallboard feed, preferences and supervisor actions (live/wallboard-desk.ts). */
  wallboard: WallboardDeskMethods;
  /** The admins' audit search and export (audit/audit-desk.ts). */
  audit: AuditDeskMethods;
  loop: SyncLoop;
  events: DeskEventHub;
  /** The agent from the last sign-in on this install, so the desk can open while offline. */
  lastKnownAgent: () => Agent | null;
}

export function createDeskService(parts: DeskServiceParts): DeskService {
  const { session, loop, events, auth } = parts;

  const api: DeskApi = {
    async getAuthState() {
      return auth.getState();
    },
    signIn: (params) => auth.signIn(params),
    completeTotpEnrollment: (params) => auth.completeTotpEnrollment(params),
    unlock: (params) => auth.unlock(params),
    lock: (params) => auth.lock(params),
    signOut: ({ everywhere }) => auth.signOut({ everywhere: everywhere ?? false }),
    ...parts.cases,
    ...parts.calls,
    ...parts.triage,
    ...parts.wallboard,
    ...parts.audit,
    async getSession() {
      const agent = session.agent ?? parts.lastKnownAgent() ?? (await session.ensureSignedIn());
      return { agent, serverUrl: parts.serverUrl, telephony: parts.telephony, clientId: parts.clientId };
    },
    async lookupCaller({ phone }) {
      return parts.lookup.lookupCaller(phone);
    },
    async getSyncStatus() {
      return loop.getStatus();
    },
    async syncNow() {
      return loop.syncNow();
    },
    async setAgentState({ state, reason }) {
      // agentChanged is emitted by the session's onAgent hook, for sign-ins as well.
      return session.setAgentState(state, reason ?? null);
    },
    async getVoiceToken(): Promise<DeskResult<'getVoiceToken'>> {
      const token = await session.voiceToken();
      return { identity: token.identity, token: token.token, expiresAt: token.expiresAt };
    },
  };

  return { ...gateDeskApi(api, () => auth.isUnlocked), on: (event, listener) => events.on(event, listener) };
}
