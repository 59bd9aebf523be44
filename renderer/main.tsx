// The renderer's entry: pick the DeskApi transport (Electron bridge or WebSocket), build the store
// and the controller, paint the app, then start the desk (session → available → softphone).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { DeskController } from './app/controller.js';
import { createMilestoneRecorder } from './app/milestones.js';
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
// pagehide, not beforeunload: the Voice SDK's close protection may still cancel an unload.
window.addEventListener('pagehide', () => controller.stop());
