// Desktop notifications for calls the agent may not be looking at: Electron's Notification from
// the main process in the desktop (through `window.deskShell`), the browser's Notification API in
// web mode. One small interface, so the controller neither knows nor cares which.

export type DeskNotification = { title: string; body: string };

export interface Notifier {
  notify(notification: DeskNotification): void;
}

/** What the preload exposes as `window.deskShell` (electron/preload/channels.ts has the other side). */
export type DeskShellBridge = {
  onResumed(listener: () => void): () => void;
  notify(notification: DeskNotification): void;
};

/** The browser's Notification constructor, as far as we use it. */
export type BrowserNotificationApi = {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): unknown;
};

export function createNotifier(shell: DeskShellBridge | undefined, browser: BrowserNotificationApi | undefined): Notifier {
  if (shell) return { notify: (notification) => shell.notify(notification) };
  if (!browser) return { notify: () => undefined };
  return {
    notify({ title, body }) {
      const show = () => new browser(title, { body, tag: 'frontdesk311-call' });
      if (browser.permission === 'granted') {
        show();
        return;
      }
      if (browser.permission === 'denied') return;
      // Asked once, at the first call that needs it; the answer is remembered by the browser.
      void browser.requestPermission().then((answer) => {
        if (answer === 'granted') show();
      }).catch(() => undefined);
    },
  };
}
