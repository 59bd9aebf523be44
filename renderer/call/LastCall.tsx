// A one-line summary of the call that just finished, kept on screen until the next one ends.
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { CALL_OUTCOME_LABELS, formatClock, formatDuration } from '../app/format.js';
import { useDesk } from '../stores/desk-store.js';

export function LastCall() {
  const lastCall = useDesk((state) => state.lastCall);
  if (!lastCall) return null;
  const parts = [
    lastCall.callerName ?? formatPhoneForDisplay(lastCall.call.from),
    CALL_OUTCOME_LABELS[lastCall.outcome],
    lastCall.talkMs === null ? null : `talked ${formatDuration(lastCall.talkMs)}`,
    `ended ${formatClock(lastCall.endedAt)}`,
  ].filter((part): part is string => part !== null);
  return (
    <aside className="last-call" data-testid="last-call" aria-label="Last call">
      <span className="last-call__label">Last call</span>
      {lastCall.call.is911Transfer && <span className="badge badge--911 badge--small">911 transfer</span>}
      <span>{parts.join(' · ')}</span>
    </aside>
  );
}
