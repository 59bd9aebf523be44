// The IPC channel names and reply envelope shared by the preload and the main process. Kept free
// of zod and of the contract's schemas so the sandboxed preload bundle stays tiny.
import type { DeskEventName, DeskMethodName } from '../../shared/desk-api.js';
import type { DeskError } from '../../shared/errors.js';

/**
 * Every DeskApi method and event, as a record typed by the contract: adding a method or an event
 * to shared/desk-api.ts without listing it here fails to compile.
 */
const METHODS: { readonly [M in DeskMethodName]: true } = {
  getSession: true,
  lookupCaller: true,
  getSyncStatus: true,
  syncNow: true,
  setAgentState: true,
  getVoiceToken: true,
  listServiceTypes: true,
  createCaller: true,
  createCase: true,
  getCase: true,
  searchCases: true,
  editCase: true,
  changeCaseStatus: true,
  linkCaller: true,
  addCaseNote: true,
  resolveConflict: true,
  listOutbox: true,
  acknowledgeRejection: true,
};
const EVENTS: { readonly [E in DeskEventName]: true } = {
  syncStatus: true,
  agentChanged: true,
  casesChanged: true,
  mutationResults: true,
};

export const IPC_METHOD_NAMES = Object.keys(METHODS) as DeskMethodName[];
export const IPC_EVENT_NAMES = Object.keys(EVENTS) as DeskEventName[];

export function isIpcMethodName(name: unknown): name is DeskMethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
}
export function isIpcEventName(name: unknown): name is DeskEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, name);
}

export const methodChannel = (method: DeskMethodName) => `desk:${method}` as const;
export const eventChannel = (event: DeskEventName) => `desk-event:${event}` as const;

/**
 * What an IPC handler resolves with. Handlers never throw: Electron would flatten the error to a
 * message and lose its catalogue code on the way to the page.
 */
export type DeskIpcReply = { ok: true; value: unknown } | { ok: false; error: DeskError };
