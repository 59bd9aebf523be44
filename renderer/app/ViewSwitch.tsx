// The switch between the call view, the floor (the wallboard), the protocol editor and the audit
// log, and those views themselves. Only team leads and admins get the switch; only admins the audit log.
import { AuditView } from '../audit/AuditView.js';
import { WallboardView } from '../queue/WallboardView.js';
import { ProtocolEditor } from '../triage/editor/ProtocolEditor.js';
import { useDesk } from '../stores/desk-store.js';
import { canSeeAudit, canSeeFloor, canSeeView } from '../stores/view-slice.js';
import { useDeskController } from './controller-context.js';

export function ViewSwitch() {
  const allowed = useDesk(canSeeFloor);
  const auditAllowed = useDesk(canSeeAudit);
  const view = useDesk((state) => state.deskView);
  const choose = useDesk((state) => state.deskViewChosen);
  if (!allowed) return null;
  return (
    <nav className="status-item view-switch" aria-label="View" data-testid="view-switch">
      <button type="button" className="button button--quiet" aria-pressed={view === 'calls'} data-testid="view-calls" onClick={() => choose('calls')}>
        Calls
      </button>
      <button type="button" className="button button--quiet" aria-pressed={view === 'floor'} data-testid="view-floor" onClick={() => choose('floor')}>
        Floor
      </button>
      <button type="button" className="button button--quiet" aria-pressed={view === 'protocols'} data-testid="view-protocols" onClick={() => choose('protocols')}>
        Protocols
      </button>
      {auditAllowed && (
        <button type="button" className="button button--quiet" aria-pressed={view === 'audit'} data-testid="view-audit" onClick={() => choose('audit')}>
          Audit
        </button>
      )}
    </nav>
  );
}

/** The wallboard with the supervisor controls, fed through the desk host. */
export function Floor() {
  const floor = useDeskController().floor;
  return <WallboardView source={floor.source} preferences={floor.preferences} notify={floor.notify} supervisor={floor.supervisor} />;
}

/** The triage protocol editor: versions, drafts, test runs and publishing. */
export function Protocols() {
  const controller = useDeskController();
  const agentId = useDesk((state) => state.agent?.id ?? '');
  return <ProtocolEditor desk={controller.desk} agentId={agentId} />;
}

/** The audit log's search and export (admins only). */
export function Audit() {
  const controller = useDeskController();
  return <AuditView desk={controller.desk} />;
}

/** Whether the workspace shows the floor now (a call-taker never does, whatever the store says). */
export function useFloorShown(): boolean {
  return useDesk((state) => state.deskView === 'floor' && canSeeFloor(state));
}

/** Whether the workspace shows the protocol editor now (team leads and admins only). */
export function useProtocolsShown(): boolean {
  return useDesk((state) => state.deskView === 'protocols' && canSeeFloor(state));
}

/** Whether the workspace shows the audit log now (admins only, whatever the store says). */
export function useAuditShown(): boolean {
  return useDesk((state) => state.deskView === 'audit' && canSeeView(state, 'audit'));
}
