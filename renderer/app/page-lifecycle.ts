// The page's life around calls: keep a reload or close from dropping a live call, and notice when
// the computer wakes or the network returns so the phone registers again at once (the first call
// after sleep must be answerable).
import type { DeskShellBridge } from './notify.js';

type Listenable = {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
};

/** beforeunload asks the browser (or Electron's main, through will-prevent-unload) to confirm. */
export function blockUnloadWhileLive(target: Listenable, isCallLive: () => boolean): () => void {
  const onBeforeUnload = (event: Event) => {
    if (!isCallLive()) return;
    event.preventDefault();
    // Older browsers need returnValue set to show the prompt.
    (event as BeforeUnloadEvent).returnValue = '';
  };
  target.addEventListener('beforeunload', onBeforeUnload);
  return () => target.removeEventListener('beforeunload', onBeforeUnload);
}

export type ResumeSources = {
  /** Electron's powerMonitor resume / unlock, through the preload; absent in web mode. */
  shell?: Pick<DeskShellBridge, 'onResumed'>;
  window: Listenable;
  document: Listenable & { readonly visibilityState: DocumentVisibilityState };
};

export type ResumeReason = 'system resumed' | 'page visible again' | 'network back';

export type ResumeOptions = {
  /** Bursts (a wake brings visibility and online together) fold into one call within this. */
  quietMs?: number;
  /** A page hidden for less (a glance at another tab) does not re-register anything. */
  minHiddenMs?: number;
  /** Web mode's sleep detector: a tick that arrives this much late means the machine slept. */
  tickMs?: number;
  sleepGapMs?: number;
  now?: () => number;
};

/** Calls `onResume` when the desk may have been asleep or cut off. */
export function watchResume(sources: ResumeSources, onResume: (reason: ResumeReason) => void, options: ResumeOptions = {}): () => void {
  const { quietMs = 1_000, minHiddenMs = 60_000, tickMs = 5_000, sleepGapMs = 30_000, now = Date.now } = options;
  let last = -Infinity;
  let hiddenAt: number | null = sources.document.visibilityState === 'visible' ? null : now();
  const fire = (reason: ResumeReason) => {
    const at = now();
    if (at - last < quietMs) return;
    last = at;
    onResume(reason);
  };
  const onVisibility = () => {
    if (sources.document.visibilityState !== 'visible') {
      hiddenAt ??= now();
      return;
    }
    const wasHiddenFor = hiddenAt === null ? 0 : now() - hiddenAt;
    hiddenAt = null;
    if (wasHiddenFor >= minHiddenMs) fire('page visible again');
  };
  const onOnline = () => fire('network back');
  let lastTick = now();
  const ticker = setInterval(() => {
    const at = now();
    if (at - lastTick >= sleepGapMs) fire('system resumed');
    lastTick = at;
  }, tickMs);
  sources.document.addEventListener('visibilitychange', onVisibility);
  sources.window.addEventListener('online', onOnline);
  const offShell = sources.shell?.onResumed(() => fire('system resumed'));
  return () => {
    clearInterval(ticker);
    sources.document.removeEventListener('visibilitychange', onVisibility);
    sources.window.removeEventListener('online', onOnline);
    offShell?.();
  };
}
