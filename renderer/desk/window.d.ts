// What the page's global object carries: the preload's DeskApi and shell bridges (Electron only) and the
// milestone probe that end-to-end tests read.
import type { DeskClient } from '../../shared/desk-api.js';
import type { FrontdeskProbe } from '../app/milestones.js';
import type { DeskShellBridge } from '../app/notify.js';

declare global {
  interface Window {
    /** Exposed by electron/preload through contextBridge; absent in web mode. */
    desk?: DeskClient;
    /** Wake-from-sleep and desktop notifications from Electron's main process; absent in web mode. */
    deskShell?: DeskShellBridge;
    __frontdesk?: FrontdeskProbe;
  }
}

export {};
