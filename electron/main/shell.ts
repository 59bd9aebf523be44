// What the page cannot do for itself in the desktop: hear that the computer woke up (so the phone
// re-registers at once), show a desktop notification (missed and incoming calls), and ask before
// a reload or close drops a live call (the page's beforeunload only says "not now").
import type { IpcMain, IpcMainEvent } from 'electron';
import { checkShellNotification, SHELL_NOTIFY_CHANNEL, SHELL_RESUMED_CHANNEL, type ShellNotification } from '../preload/channels.js';
import type { AppPages } from './config.js';
import { isTrustedSender, type InvokeEventLike } from './ipc.js';
import { mainLog } from './log.js';

/** The parts of Electron the shell uses, so tests can hand in fakes. */
export type ShellDeps = {
  pages: AppPages;
  ipcMain: Pick<IpcMain, 'on' | 'removeListener'>;
  powerMonitor: { on(event: 'resume' | 'unlock-screen', listener: () => void): unknown; removeListener(event: 'resume' | 'unlock-screen', listener: () => void): unknown };
  showNotification: (notification: ShellNotification) => void;
  /** The window to tell about a resume; null while there is none. */
  currentWindow: () => { webContents: { isDestroyed(): boolean; send(channel: string): void } } | null;
};

/** Handles a notify message: only from the app's own top frame, only a well-formed notification. */
export function handleNotifyMessage(event: InvokeEventLike, payload: unknown, deps: Pick<ShellDeps, 'pages' | 'showNotification'>): boolean {
  if (!isTrustedSender(event, deps.pages)) {
    mainLog('warn', `refused a notification from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
    return false;
  }
  const notification = checkShellNotification(payload);
  if (!notification) {
    mainLog('warn', 'refused a notification outside its limits');
    return false;
  }
  deps.showNotification(notification);
  return true;
}

/** Wires notifications and the resume event; returns the function that removes them again. */
export function installShell(deps: ShellDeps): () => void {
  const onNotify = (event: IpcMainEvent, payload: unknown) => {
    handleNotifyMessage(event as unknown as InvokeEventLike, payload, deps);
  };
  const onResumed = () => {
    const contents = deps.currentWindow()?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(SHELL_RESUMED_CHANNEL);
  };
  deps.ipcMain.on(SHELL_NOTIFY_CHANNEL, onNotify);
  deps.powerMonitor.on('resume', onResumed);
  deps.powerMonitor.on('unlock-screen', onResumed);
  return () => {
    deps.ipcMain.removeListener(SHELL_NOTIFY_CHANNEL, onNotify);
    deps.powerMonitor.removeListener('resume', onResumed);
    deps.powerMonitor.removeListener('unlock-screen', onResumed);
  };
}

/**
 * The page blocks unloading only while a call is live (its beforeunload). Electron would then
 * cancel the reload or close silently; ask the agent instead, and leave only when they say so.
 */
export function confirmUnloadDuringCall(
  event: { preventDefault(): void },
  ask: (question: { message: string; detail: string; buttons: string[] }) => number,
): boolean {
  const choice = ask({
    message: 'A call is still live.',
    detail: 'Reloading or closing now drops the caller. Hang up first, or leave anyway.',
    buttons: ['Stay on the call', 'Leave and drop the call'],
  });
  const leave = choice === 1;
  // preventDefault on will-prevent-unload lets the page unload despite its beforeunload.
  if (leave) event.preventDefault();
  mainLog('info', leave ? 'agent left the page during a live call' : 'kept the page open during a live call');
  return leave;
}
