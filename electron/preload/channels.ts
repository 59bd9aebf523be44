// The IPC channel names and reply envelope shared by the preload and the main process. Kept free
// of zod and of the contract's schemas so the sandboxed preload bundle stays tiny.
import type { DeskEventName, DeskMethodName } from '../../shared/desk-api.js';
import type { DeskError } from '../../shared/errors.js';

/**
 * Every DeskApi method and event, as a record typed by the contract: adding a method or an event
 * to shared/desk-api.ts without listing it here fails to compile.
 */
const METHODS: { readonly [M in DeskMethodName]: true } = {
  getAuthState: true,
  signIn: true,
  completeTotpEnrollment: true,
  unlock: true,
  lock: true,
  signOut: true,
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
  getCallState: true,
  holdCall: true,
  transferCall: true,
  completeTransfer: true,
  cancelTransfer: true,
  wrapUpCall: true,
  listTransferTargets: true,
  listTriageProtocols: true,
  publishTriageProtocol: true,
  recordTriage: true,
  acknowledgeRejection: true,
  watchWallboard: true,
  unwatchWallboard: true,
  resyncWallboard: true,
  getWallboardPreferences: true,
  saveWallboardPreferences: true,
  supervisorSetAgentState: true,
  supervisorSetAgentSkills: true,
  monitorCall: true,
  leaveMonitoredCall: true,
  setCallPriority: true,
  assignCall: true,
  searchAudit: true,
  exportAudit: true,
};
const EVENTS: { readonly [E in DeskEventName]: true } = {
  authState: true,
  syncStatus: true,
  agentChanged: true,
  casesChanged: true,
  mutationResults: true,
  callerPopped: true,
  callChanged: true,
  wallboard: true,
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

// The desktop shell, beside DeskApi: what only Electron's main process can do or see for the page.
/** Main → page: the computer woke from sleep or the screen was unlocked (powerMonitor). */
export const SHELL_RESUMED_CHANNEL = 'shell:resumed';
/** Page → main: show a desktop notification (fire and forget). */
export const SHELL_NOTIFY_CHANNEL = 'shell:notify';

/** A desktop notification as the page asks for it; main checks it against these limits. */
export type ShellNotification = { title: string; body: string };
export const SHELL_NOTIFICATION_LIMITS = { title: 120, body: 500 } as const;

/** What the preload exposes as `window.deskShell`. */
export type DeskShell = {
  /** Returns the unsubscribe. */
  onResumed(listener: () => void): () => void;
  notify(notification: ShellNotification): void;
};

/** Null when the page sent something that is not a notification within the limits. */
export function checkShellNotification(value: unknown): ShellNotification | null {
  if (typeof value !== 'object' || value === null) return null;
  const { title, body } = value as Record<string, unknown>;
  if (typeof title !== 'string' || typeof body !== 'string') return null;
  if (title.length === 0 || title.length > SHELL_NOTIFICATION_LIMITS.title || body.length > SHELL_NOTIFICATION_LIMITS.body) return null;
  return { title, body };
}
