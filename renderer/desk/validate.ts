// The renderer's side of the DeskApi boundary: params are checked before they leave, results and
// events when they arrive, and anything thrown becomes a DeskFailure carrying a catalogue code.
import {
  DeskEvents,
  DeskMethods,
  isDeskEventName,
  type DeskApi,
  type DeskEventName,
  type DeskEventPayload,
  type DeskMethodName,
  type DeskParams,
  type DeskResult,
} from '../../shared/desk-api.js';
import { DeskFailure, formatZodError, toDeskError } from '../../shared/errors.js';

export function toDeskFailure(thrown: unknown): DeskFailure {
  if (thrown instanceof DeskFailure) return thrown;
  const error = toDeskError(thrown);
  return new DeskFailure(error.code, error.message, error.details);
}

export function parseDeskParams<M extends DeskMethodName>(method: M, params: unknown): DeskParams<M> {
  const parsed = DeskMethods[method].params.safeParse(params);
  if (!parsed.success) {
    throw new DeskFailure('INVALID_INPUT', `${method}: ${formatZodError(parsed.error)}`, parsed.error.issues);
  }
  return parsed.data as DeskParams<M>;
}

export function parseDeskResult<M extends DeskMethodName>(method: M, value: unknown): DeskResult<M> {
  const parsed = DeskMethods[method].result.safeParse(value);
  if (!parsed.success) {
    // The host answered with something outside the contract: its bug, not the caller's input.
    throw new DeskFailure('INTERNAL', `the desk host's ${method} reply broke the contract: ${formatZodError(parsed.error)}`);
  }
  return parsed.data as DeskResult<M>;
}

export type ParsedDeskEvent = { [E in DeskEventName]: { event: E; payload: DeskEventPayload<E> } }[DeskEventName];

/** Null for unknown event names or payloads outside the contract (the caller logs and drops). */
export function parseDeskEvent(event: string, payload: unknown): ParsedDeskEvent | null {
  if (!isDeskEventName(event)) return null;
  const parsed = DeskEvents[event].safeParse(payload);
  if (!parsed.success) return null;
  return { event, payload: parsed.data } as ParsedDeskEvent;
}

export type DeskInvoke = <M extends DeskMethodName>(method: M, params: DeskParams<M>) => Promise<DeskResult<M>>;

/** One function per method, spelled out so adding a method to the contract fails to compile here. */
export function bindDeskApi(invoke: DeskInvoke): DeskApi {
  return {
    getAuthState: (params) => invoke('getAuthState', params),
    signIn: (params) => invoke('signIn', params),
    completeTotpEnrollment: (params) => invoke('completeTotpEnrollment', params),
    unlock: (params) => invoke('unlock', params),
    lock: (params) => invoke('lock', params),
    signOut: (params) => invoke('signOut', params),
    getSession: (params) => invoke('getSession', params),
    lookupCaller: (params) => invoke('lookupCaller', params),
    getSyncStatus: (params) => invoke('getSyncStatus', params),
    syncNow: (params) => invoke('syncNow', params),
    setAgentState: (params) => invoke('setAgentState', params),
    getVoiceToken: (params) => invoke('getVoiceToken', params),
    listServiceTypes: (params) => invoke('listServiceTypes', params),
    createCaller: (params) => invoke('createCaller', params),
    createCase: (params) => invoke('createCase', params),
    getCase: (params) => invoke('getCase', params),
    searchCases: (params) => invoke('searchCases', params),
    editCase: (params) => invoke('editCase', params),
    changeCaseStatus: (params) => invoke('changeCaseStatus', params),
    linkCaller: (params) => invoke('linkCaller', params),
    addCaseNote: (params) => invoke('addCaseNote', params),
    resolveConflict: (params) => invoke('resolveConflict', params),
    listOutbox: (params) => invoke('listOutbox', params),
    acknowledgeRejection: (params) => invoke('acknowledgeRejection', params),
    getCallState: (params) => invoke('getCallState', params),
    holdCall: (params) => invoke('holdCall', params),
    transferCall: (params) => invoke('transferCall', params),
    completeTransfer: (params) => invoke('completeTransfer', params),
    cancelTransfer: (params) => invoke('cancelTransfer', params),
    wrapUpCall: (params) => invoke('wrapUpCall', params),
    listTransferTargets: (params) => invoke('listTransferTargets', params),
    listTriageProtocols: (params) => invoke('listTriageProtocols', params),
    publishTriageProtocol: (params) => invoke('publishTriageProtocol', params),
    recordTriage: (params) => invoke('recordTriage', params),
    watchWallboard: (params) => invoke('watchWallboard', params),
    unwatchWallboard: (params) => invoke('unwatchWallboard', params),
    resyncWallboard: (params) => invoke('resyncWallboard', params),
    getWallboardPreferences: (params) => invoke('getWallboardPreferences', params),
    saveWallboardPreferences: (params) => invoke('saveWallboardPreferences', params),
    supervisorSetAgentState: (params) => invoke('supervisorSetAgentState', params),
    supervisorSetAgentSkills: (params) => invoke('supervisorSetAgentSkills', params),
    monitorCall: (params) => invoke('monitorCall', params),
    leaveMonitoredCall: (params) => invoke('leaveMonitoredCall', params),
    setCallPriority: (params) => invoke('setCallPriority', params),
    assignCall: (params) => invoke('assignCall', params),
    searchAudit: (params) => invoke('searchAudit', params),
    exportAudit: (params) => invoke('exportAudit', params),
  };
}
