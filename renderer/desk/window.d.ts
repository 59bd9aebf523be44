// What the page's global object carries: the preload's DeskApi bridge (Electron only) and the
// milestone probe that end-to-end tests read.
import type { DeskClient } from '../../shared/desk-api.js';
import type { FrontdeskProbe } from '../app/milestones.js';

declare global {
  interface Window {
    /** Exposed by electron/preload through contextBridge; absent in web mode. */
    desk?: DeskClient;
    __frontdesk?: FrontdeskProbe;
  }
}

export {};
