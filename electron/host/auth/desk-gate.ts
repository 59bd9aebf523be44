// The one list of which DeskApi methods a desk that is not unlocked still answers: sign-in and
// locking themselves, the session facts, sync, and what keeps the phone ringing. Everything that
// reads or changes residents' data is refused with DESK_LOCKED until the agent unlocks.
import type { DeskApi, DeskMethodName } from '../../../shared/desk-api.js';
import { DeskFailure } from '../../../shared/errors.js';

export type DeskMethodAccess = 'any_state' | 'unlocked';

/** Typed by the contract: a method added to shared/desk-api.ts without a line here fails to compile. */
export const DESK_METHOD_ACCESS: { readonly [M in DeskMethodName]: DeskMethodAccess } = {
  getAuthState: 'any_state',
  signIn: 'any_state',
  completeTotpEnrollment: 'any_state',
  unlock: 'any_state',
  lock: 'any_state',
  signOut: 'any_state',
  getSession: 'any_state',
  getSyncStatus: 'any_state',
  syncNow: 'any_state',
  // The phone keeps ringing on a locked desk; the renderer asks to unlock to answer.
  setAgentState: 'any_state',
  getVoiceToken: 'any_state',
  getCallState: 'any_state',
  lookupCaller: 'unlocked',
  listServiceTypes: 'unlocked',
  createCaller: 'unlocked',
  createCase: 'unlocked',
  getCase: 'unlocked',
  searchCases: 'unlocked',
  editCase: 'unlocked',
  changeCaseStatus: 'unlocked',
  linkCaller: 'unlocked',
  addCaseNote: 'unlocked',
  resolveConflict: 'unlocked',
  listOutbox: 'unlocked',
  acknowledgeRejection: 'unlocked',
  holdCall: 'unlocked',
  transferCall: 'unlocked',
  completeTransfer: 'unlocked',
  cancelTransfer: 'unlocked',
  wrapUpCall: 'unlocked',
  listTransferTargets: 'unlocked',
  listTriageProtocols: 'unlocked',
  publishTriageProtocol: 'unlocked',
  recordTriage: 'unlocked',
  watchWallboard: 'unlocked',
  unwatchWallboard: 'unlocked',
  resyncWallboard: 'unlocked',
  getWallboardPreferences: 'unlocked',
  saveWallboardPreferences: 'unlocked',
  supervisorSetAgentState: 'unlocked',
  supervisorSetAgentSkills: 'unlocked',
  monitorCall: 'unlocked',
  leaveMonitoredCall: 'unlocked',
  setCallPriority: 'unlocked',
  assignCall: 'unlocked',
  searchAudit: 'unlocked',
  exportAudit: 'unlocked',
};

/** Wraps every method that needs an unlocked desk; the others pass through untouched. */
export function gateDeskApi(api: DeskApi, isUnlocked: () => boolean): DeskApi {
  const gated = { ...api } as Record<DeskMethodName, (params: unknown) => Promise<unknown>>;
  for (const method of Object.keys(DESK_METHOD_ACCESS) as DeskMethodName[]) {
    if (DESK_METHOD_ACCESS[method] !== 'unlocked') continue;
    const run = api[method] as (params: unknown) => Promise<unknown>;
    gated[method] = (params) => (isUnlocked() ? run(params) : Promise.reject(new DeskFailure('DESK_LOCKED', `${method}: the desktop is locked; unlock it with your password.`)));
  }
  return gated as DeskApi;
}
