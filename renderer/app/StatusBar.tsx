// The strip across the top: who is signed in and whether they take calls, the softphone's
// registration, the case search, the sync link to the central server with the outbox counts, and
// how much the local cache holds; then Lock and the account menu (sign out).
import { AWAY_REASONS } from '../../shared/domain/agent.js';
import { AccountMenu } from '../auth/AccountMenu.js';
import { AWAY_REASON_LABELS, stateReasonText } from '../call/call-controls-view.js';
import { CaseSearch } from '../cases/CaseSearch.js';
import { useDesk } from '../stores/desk-store.js';
import { SyncCounts } from '../sync/SyncCounts.js';
import { connectionView } from '../sync/sync-view.js';
import { useDeskController } from './controller-context.js';
import { AGENT_STATE_LABELS, formatClock, formatCount } from './format.js';
import { SHORTCUT_KEYS, withShortcut } from './shortcuts.js';
import { ViewSwitch } from './ViewSwitch.js';

function AgentStatus() {
  const controller = useDeskController();
  const agent = useDesk((state) => state.agent);
  const pending = useDesk((state) => state.agentStatePending);
  const pickerOpen = useDesk((state) => state.drawer === 'away');
  // The server says on_call too, a moment later on the live socket; the live media says it first.
  const onCall = useDesk((state) => state.callState === 'connecting' || state.callState === 'in_call' || state.callState === 'reconnecting');
  if (!agent) return <div className="status-item">Signing in…</div>;
  // Otherwise the badge is the server's word (agentChanged): wrap-up, away after missed calls, ...
  const shownState = onCall ? 'on_call' : agent.state;
  const reason = onCall ? null : stateReasonText(agent.stateReason);
  const canChoose = pending === null && shownState !== 'on_call';
  return (
    <div className="status-item status-item--agent">
      <span className="agent-name">{agent.displayName}</span>
      <span className={`pill pill--agent-${shownState}`} data-testid="agent-state" data-state={shownState}>
        {AGENT_STATE_LABELS[shownState]}
        {reason && <span className="pill__reason" data-testid="agent-state-reason"> · {reason}</span>}
      </span>
      {shownState !== 'available' && (
        <button type="button" className="button button--quiet" data-testid="set-available" disabled={!canChoose}
          title={withShortcut('Take calls again', 'available')} onClick={() => void controller.calls.setAgentState('available')}>
          Set available <kbd>{SHORTCUT_KEYS.available}</kbd>
        </button>
      )}
      {shownState !== 'away' && (
        <button type="button" className="button button--quiet" data-testid="set-away" disabled={!canChoose} aria-expanded={pickerOpen}
          title={withShortcut('Stop taking calls, with a reason', 'away')} onClick={() => controller.calls.toggleAwayPicker()}>
          Set away <kbd>{SHORTCUT_KEYS.away}</kbd>
        </button>
      )}
      {pickerOpen && (
        <ul className="away-picker" data-testid="away-picker" aria-label="Away reason">
          {AWAY_REASONS.map((awayReason, index) => (
            <li key={awayReason}>
              <button type="button" className="button button--quiet" data-testid={`away-${awayReason}`} title={`${AWAY_REASON_LABELS[awayReason]} (${index + 1})`}
                onClick={() => void controller.calls.setAgentState('away', awayReason)}>
                <kbd>{index + 1}</kbd> {AWAY_REASON_LABELS[awayReason]}
              </button>
            </li>
          ))}
        </ul>
      )}
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
      <ViewSwitch />
      <CaseSearch />
      <AgentStatus />
      <SoftphoneStatus />
      <SyncStatusView />
      <AccountMenu />
    </header>
  );
}
