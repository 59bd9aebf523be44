// The strip across the top: who is signed in and whether they take calls, the softphone's
// registration, the case search, the sync link to the central server with the outbox counts, and
// how much the local cache holds.
import { CaseSearch } from '../cases/CaseSearch.js';
import { useDesk } from '../stores/desk-store.js';
import { SyncCounts } from '../sync/SyncCounts.js';
import { connectionView } from '../sync/sync-view.js';
import { useDeskController } from './controller-context.js';
import { AGENT_STATE_LABELS, formatClock, formatCount } from './format.js';

function AgentStatus() {
  const controller = useDeskController();
  const agent = useDesk((state) => state.agent);
  const pending = useDesk((state) => state.agentStatePending);
  // The server marks the agent on call when the call connects; until live agent events reach the
  // desk, the softphone's own state is the quickest truth for this badge.
  const onCall = useDesk((state) => state.callState === 'connecting' || state.callState === 'in_call' || state.callState === 'reconnecting');
  if (!agent) return <div className="status-item">Signing in…</div>;
  const away = agent.state === 'away';
  const shownState = onCall ? 'on_call' : agent.state;
  return (
    <div className="status-item status-item--agent">
      <span className="agent-name">{agent.displayName}</span>
      <span className={`pill pill--agent-${shownState}`} data-testid="agent-state">
        {AGENT_STATE_LABELS[shownState]}
      </span>
      <button
        type="button"
        className="button button--quiet"
        disabled={pending !== null || shownState === 'on_call'}
        onClick={() => void controller.setAway(!away)}
      >
        {away ? 'Set available' : 'Set away'}
      </button>
    </div>
  );
}

function SoftphoneStatus() {
  const registration = useDesk((state) => state.softphoneRegistration);
  const kind = useDesk((state) => state.session?.telephony);
  const label = registration === 'registered' ? 'Ready' : registration === 'registering' ? 'Connecting…' : 'Not registered';
  return (
    <div className="status-item" data-testid="softphone-status" title={kind ? `Telephony: ${kind}` : undefined}>
      <span className={`dot dot--${registration === 'registered' ? 'good' : registration === 'registering' ? 'wait' : 'bad'}`} aria-hidden="true" />
      Phone: {label}
    </div>
  );
}

function SyncStatusView() {
  const controller = useDeskController();
  const status = useDesk((state) => state.syncStatus);
  const requested = useDesk((state) => state.syncRequested);
  const deskLink = useDesk((state) => state.deskLink);
  const view = connectionView(status, deskLink, requested);
  return (
    <div className="status-item">
      <span className="status-item" data-testid="sync-status" aria-live="polite">
        <span className={`dot dot--${view.tone}`} aria-hidden="true" />
        <span>{view.text}</span>
      </span>
      {status && (
        <span className="status-muted" title="Rows in the local cache">
          {status.lastSyncedAt ? `synced ${formatClock(status.lastSyncedAt)} · ` : ''}
          {formatCount(status.rowsInCache.callers)} callers · {formatCount(status.rowsInCache.serviceRequests)} cases
        </span>
      )}
      <SyncCounts />
      <button type="button" className="button button--quiet" disabled={requested || deskLink === 'closed'} onClick={() => void controller.syncNow()}>
        Sync now
      </button>
    </div>
  );
}

export function StatusBar() {
  return (
    <header className="status-bar">
      <div className="brand">
        Frontdesk<span>311</span>
      </div>
      <CaseSearch />
      <AgentStatus />
      <SoftphoneStatus />
      <SyncStatusView />
    </header>
  );
}
