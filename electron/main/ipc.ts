// The desk API over Electron IPC: one `desk:<method>` handler per method. Each checks that the
// caller is the app's own page, validates the params before the host sees them and the host's
// result before the page does, and answers with a {ok, value | error} envelope. Host events go
// to the window as `desk-event:<name>`.
import { ipcMain } from 'electron';
import { DeskEvents, DeskMethods, isDeskEventName, type DeskEventMessage, type DeskMethodName, type DeskReplyMessage } from '../../shared/desk-api.js';
import { deskError, formatZodError } from '../../shared/errors.js';
import { eventChannel, IPC_METHOD_NAMES, methodChannel, type DeskIpcReply } from '../preload/channels.js';
import { isAppPageUrl, type AppPages } from './config.js';
import { mainLog } from './log.js';

/** What a handler reads of Electron's IpcMainInvokeEvent. */
export type InvokeEventLike = {
  senderFrame: { url: string; parent: unknown } | null;
};

export type DeskHostCaller = {
  call(method: DeskMethodName, params: unknown): Promise<DeskReplyMessage>;
};

/** Only the top frame of the app's own page may use the desk API. */
export function isTrustedSender(event: InvokeEventLike, pages: AppPages): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isAppPageUrl(frame.url, pages);
}

export function createDeskIpcHandler(
  method: DeskMethodName,
  deps: { pages: AppPages; host: DeskHostCaller },
): (event: InvokeEventLike, params: unknown) => Promise<DeskIpcReply> {
  const schema = DeskMethods[method];
  return async (event, params) => {
    if (!isTrustedSender(event, deps.pages)) {
      mainLog('warn', `refused desk:${method} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return { ok: false, error: deskError('INVALID_INPUT', 'The desk API only answers the app\'s own page.') };
    }
    const checked = schema.params.safeParse(params);
    if (!checked.success) {
      return { ok: false, error: deskError('INVALID_INPUT', `${method}: ${formatZodError(checked.error)}`, checked.error.issues) };
    }
    const reply = await deps.host.call(method, checked.data);
    if (!reply.ok) return { ok: false, error: reply.error };
    const result = schema.result.safeParse(reply.value);
    if (!result.success) {
      mainLog('error', `desk host broke the contract in ${method}`, formatZodError(result.error));
      return { ok: false, error: deskError('INTERNAL', `The desk host's ${method} reply broke the contract.`) };
    }
    return { ok: true, value: result.data };
  };
}

/** Registers every handler; returns the function that removes them again. */
export function registerDeskIpc(deps: { pages: AppPages; host: DeskHostCaller }): () => void {
  for (const method of IPC_METHOD_NAMES) {
    ipcMain.handle(methodChannel(method), createDeskIpcHandler(method, deps));
  }
  return () => {
    for (const method of IPC_METHOD_NAMES) ipcMain.removeHandler(methodChannel(method));
  };
}

/** Forwards one host event to a window, if it is a contract event with a valid payload. */
export function forwardDeskEvent(target: { send(channel: string, payload: unknown): void }, message: DeskEventMessage): boolean {
  if (!isDeskEventName(message.event)) {
    mainLog('warn', `dropped unknown desk event ${message.event}`);
    return false;
  }
  const payload = DeskEvents[message.event].safeParse(message.payload);
  if (!payload.success) {
    mainLog('warn', `dropped desk event ${message.event} outside the contract`, formatZodError(payload.error));
    return false;
  }
  target.send(eventChannel(message.event), payload.data);
  return true;
}
