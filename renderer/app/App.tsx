// The desk's frame: status bar, first-sync progress, notices, the call panel with case intake, and
// the case detail and outbox panels, or for team leads and admins the floor (the wallboard) or the
// triage protocol editor; keyboard shortcuts live here so they work wherever focus is (except in a
// text field). Until the desk is unlocked only the sign-in or lock screen renders.
import { AuthScreen, OfflineSignInNotice } from '../auth/AuthScreen.js';
import { CallPanel } from '../call/CallPanel.js';
import { CaseDetailPanel } from '../cases/CaseDetailPanel.js';
import { CaseIntakePanel } from '../cases/CaseIntakePanel.js';
import { useDesk } from '../stores/desk-store.js';
import { OutboxPanel } from '../sync/OutboxPanel.js';
import { SyncProgressBar } from '../sync/SyncProgressBar.js';
import { SyncToast } from '../sync/SyncToast.js';
import type { DeskController } from './controller.js';
import { DeskControllerContext } from './controller-context.js';
import { Notice } from './Notice.js';
import { useCallShortcuts, useLockShortcut } from './shortcuts.js';
import { StatusBar } from './StatusBar.js';
import { Audit, Floor, Protocols, useAuditShown, useFloorShown, useProtocolsShown } from './ViewSwitch.js';

function Workspace() {
  const session = useDesk((state) => state.session);
  const bootError = useDesk((state) => state.bootError);
  const floorShown = useFloorShown();
  const protocolsShown = useProtocolsShown();
  const auditShown = useAuditShown();
  if (bootError || !session) return <BootMessage />;
  if (floorShown) return <Floor />;
  if (protocolsShown) return <Protocols />;
  if (auditShown) return <Audit />;
  return (
    <>
      <CallPanel />
      <CaseIntakePanel />
      <CaseDetailPanel />
      <OutboxPanel />
    </>
  );
}

/** "Starting the desk…", or why it could not start: before sign-in and in the workspace alike. */
function BootMessage() {
  const bootError = useDesk((state) => state.bootError);
  if (!bootError) return <div className="boot">Starting the desk…</div>;
  return (
    <div className="boot boot--failed" role="alert">
      <h1>Frontdesk311 could not start</h1>
      <p>{bootError.message}</p>
      <p className="status-muted">
        Error code <code>{bootError.code}</code>. Check that the desk host is running, then reload.
      </p>
    </div>
  );
}

export function App({ controller }: { controller: DeskController }) {
  useCallShortcuts(controller);
  useLockShortcut(controller);
  const authState = useDesk((state) => state.auth?.state ?? null);
  const floorShown = useFloorShown();
  const protocolsShown = useProtocolsShown();
  const auditShown = useAuditShown();
  const wide = floorShown || protocolsShown || auditShown;
  if (authState !== 'unlocked') {
    return (
      <DeskControllerContext.Provider value={controller}>
        <div className="app">{authState === null ? <BootMessage /> : <AuthScreen />}</div>
      </DeskControllerContext.Provider>
    );
  }
  return (
    <DeskControllerContext.Provider value={controller}>
      <div className="app">
        <StatusBar />
        <SyncProgressBar />
        <OfflineSignInNotice />
        <Notice />
        <main className={wide ? 'workspace workspace--floor' : 'workspace'}>
          <Workspace />
        </main>
        <SyncToast />
      </div>
    </DeskControllerContext.Provider>
  );
}
