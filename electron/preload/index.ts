// The preload: exposes `window.desk` through contextBridge with one function per DeskApi method,
// each invoking only its own channel, and `on()` for the contract's events only. ipcRenderer
// itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DeskClient, DeskEventName, DeskMethodName } from '../../shared/desk-api.js';
import { eventChannel, isIpcEventName, methodChannel, type DeskIpcReply } from './channels.js';

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
  on: subscribe as DeskClient['on'],
};

contextBridge.exposeInMainWorld('desk', deskBridge);
