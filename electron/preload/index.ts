// The preload: exposes `window.desk` through contextBridge with one function per DeskApi method,
// each invoking only its own channel, and `on()` for the contract's events only; and
// `window.deskShell` for the two things only main can do (wake-from-sleep, notifications).
// ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DeskClient, DeskEventName, DeskMethodName } from '../../shared/desk-api.js';
import {
  eventChannel, isIpcEventName, methodChannel, SHELL_NOTIFY_CHANNEL, SHELL_RESUMED_CHANNEL,
  type DeskIpcReply, type DeskShell, type ShellNotification,
} from './channels.js';

function invoker<M extends DeskMethodName>(method: M): DeskClient[M] {
  const channel = methodChannel(method);
  const call = async (params: unknown): Promise<unknown> => {
    const reply = (await ipcRenderer.invoke(channel, params)) as DeskIpcReply;
    // A plain {code, message} survives contextBridge intact; an Error's extra fields would not.
    if (!reply.ok) throw reply.error;
    return reply.value;
  };
  return call as DeskClient[M];
}

function subscribe(event: DeskEventName, listener: (payload: unknown) => void): () => void {
  if (!isIpcEventName(event)) throw new Error(`desk.on: unknown event ${String(event)}`);
  if (typeof listener !== 'function') throw new Error('desk.on: the listener must be a function');
  const channel = eventChannel(event);
  // The IpcRendererEvent stays here: its `sender` is ipcRenderer itself.
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

const deskBridge: DeskClient = {
  getAuthState: invoker('getAuthState'),
  signIn: invoker('signIn'),
  completeTotpEnrollment: invoker('completeTotpEnrollment'),
  unlock: invoker('unlock'),
  lock: invoker('lock'),
  signOut: invoker('signOut'),
  getSession: invoker('getSession'),
  lookupCaller: invoker('lookupCaller'),
  getSyncStatus: invoker('getSyncStatus'),
  syncNow: invoker('syncNow'),
  setAgentState: invoker('setAgentState'),
  getVoiceToken: invoker('getVoiceToken'),
  listServiceTypes: invoker('listServiceTypes'),
  createCaller: invoker('createCaller'),
  createCase: invoker('createCase'),
  getCase: invoker('getCase'),
  searchCases: invoker('searchCases'),
  editCase: invoker('editCase'),
  changeCaseStatus: invoker('changeCaseStatus'),
  linkCaller: invoker('linkCaller'),
  addCaseNote: invoker('addCaseNote'),
  resolveConflict: invoker('resolveConflict'),
  listOutbox: invoker('listOutbox'),
  acknowledgeRejection: invoker('acknowledgeRejection'),
  getCallState: invoker('getCallState'),
  holdCall: invoker('holdCall'),
  transferCall: invoker('transferCall'),
  completeTransfer: invoker('completeTransfer'),
  cancelTransfer: invoker('cancelTransfer'),
  wrapUpCall: invoker('wrapUpCall'),
  listTransferTargets: invoker('listTransferTargets'),
  listTriageProtocols: invoker('listTriageProtocols'),
  publishTriageProtocol: invoker('publishTriageProtocol'),
  recordTriage: invoker('recordTriage'),
  watchWallboard: invoker('watchWallboard'),
  unwatchWallboard: invoker('unwatchWallboard'),
  resyncWallboard: invoker('resyncWallboard'),
  getWallboardPreferences: invoker('getWallboardPreferences'),
  saveWallboardPreferences: invoker('saveWallboardPreferences'),
  supervisorSetAgentState: invoker('supervisorSetAgentState'),
  supervisorSetAgentSkills: invoker('supervisorSetAgentSkills'),
  monitorCall: invoker('monitorCall'),
  leaveMonitoredCall: invoker('leaveMonitoredCall'),
  setCallPriority: invoker('setCallPriority'),
  assignCall: invoker('assignCall'),
  searchAudit: invoker('searchAudit'),
  exportAudit: invoker('exportAudit'),
  on: subscribe as DeskClient['on'],
};

const shellBridge: DeskShell = {
  onResumed(listener) {
    if (typeof listener !== 'function') throw new Error('deskShell.onResumed: the listener must be a function');
    const forward = () => listener();
    ipcRenderer.on(SHELL_RESUMED_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(SHELL_RESUMED_CHANNEL, forward);
    };
  },
  notify(notification: ShellNotification) {
    // Only the two strings cross; main checks them again.
    ipcRenderer.send(SHELL_NOTIFY_CHANNEL, { title: String(notification.title), body: String(notification.body) });
  },
};

contextBridge.exposeInMainWorld('desk', deskBridge);
contextBridge.exposeInMainWorld('deskShell', shellBridge);
