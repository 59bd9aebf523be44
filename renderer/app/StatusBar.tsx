// The strip across the top: who is signed in and whether they take calls, the softphone's
// registration, the sync link to the central server, and how much the local cache holds.
import { useDesk } from '../stores/desk-store.js';
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
  let text: string;
  let tone: 'good' | 'wait' | 'bad';
  if (deskLink === 'closed') {
    text = 'Desk host unreachable';
    tone = 'bad';
  } else if (!status) {
    text = 'Sync: checking…';
    tone = 'wait';
  } else if (status.connection === 'syncing' || requested) {
    text = 'Syncing…';
    tone = 'wait';
  } else if (status.connection === 'offline') {
    text = status.offlineSince ? `Offline since ${formatClock(status.offlineSince)}` : 'Offline';
    tone = 'bad';
  } else {
    text = status.lastSyncedAt ? `Online · synced ${formatClock(status.lastSyncedAt)}` : 'Online';
    tone = 'good';
  }
  return (
    <div className="status-item" data-testid="sync-status">
      <span className={`dot dot--${tone}`} aria-hidden="true" />
      <span>{text}</span>
      {status && (
        <span className="status-muted" title="Rows in the local cache">
          {formatCount(status.rowsInCache.callers)} callers · {formatCount(status.rowsInCache.serviceRequests)} cases
        </span>
      )}
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
      <AgentStatus />
      <SoftphoneStatus />
      <SyncStatusView />
    </header>
  );
}
