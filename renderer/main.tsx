// The renderer's entry: pick the DeskApi transport (Electron bridge or WebSocket), build the store
// and the controller, paint the app, then start the desk (session → available → softphone).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { DeskController } from './app/controller.js';
import { createMilestoneRecorder } from './app/milestones.js';
import { createNotifier } from './app/notify.js';
import { blockUnloadWhileLive, watchResume } from './app/page-lifecycle.js';
import { createWebAudioTonePlayer } from './call/ringtone.js';
import { getDeskClient } from './desk/get-desk-client.js';
import { createLogger } from './lib/log.js';
import { createSoftphone } from './softphone/create-softphone.js';
import { createDeskStore, DeskStoreContext } from './stores/desk-store.js';
import './app/app.css';

const log = createLogger('main');
const store = createDeskStore();
const controller = new DeskController({
  desk: getDeskClient(),
  store,
  milestone: createMilestoneRecorder(window),
  createSoftphone,
  tonePlayer: createWebAudioTonePlayer(),
  notifier: createNotifier(window.deskShell, typeof Notification === 'undefined' ? undefined : Notification),
  isPageVisible: () => document.visibilityState === 'visible' && document.hasFocus(),
  inputTarget: window,
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <DeskStoreContext.Provider value={store}>
      <App controller={controller} />
    </DeskStoreContext.Provider>
  </StrictMode>,
);

controller.start().catch((error: unknown) => log.error('the desk failed to start', String(error)));
// A reload or close during a live call is confirmed first (Electron's main asks the agent).
blockUnloadWhileLive(window, () => controller.callIsLive);
// After sleep, or when the page or the network comes back, the phone registers again.
watchResume({ shell: window.deskShell, window, document }, (reason) => void controller.resume(reason));
// pagehide, not beforeunload: an unload may still be cancelled after beforeunload.
window.addEventListener('pagehide', () => controller.stop());
