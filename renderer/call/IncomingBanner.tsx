// The ringing call: the caller's number in large type, a red 911-transfer badge when the call
// came from a 911 center, and Accept / Decline / Silence with their keyboard shortcuts.
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { useDeskController } from '../app/controller-context.js';
import { SHORTCUT_KEYS, withShortcut } from '../app/shortcuts.js';
import { useDesk } from '../stores/desk-store.js';

export function IncomingBanner() {
  const controller = useDeskController();
  const call = useDesk((state) => state.currentCall);
  const ringtone = useDesk((state) => state.ringtone);
  if (!call) return null;
  return (
    <div className={`incoming-banner${call.is911Transfer ? ' incoming-banner--911' : ''}`} data-testid="incoming-banner" role="alert">
      <div className="incoming-banner__text">
        <p className="incoming-banner__label">Incoming call</p>
        <p className="incoming-banner__number">{formatPhoneForDisplay(call.from)}</p>
        <p className="incoming-banner__queue">{call.queue === 'triage' ? 'Triage queue' : 'General queue'}</p>
      </div>
      {call.is911Transfer && (
        <span className="badge badge--911" data-testid="transfer-911-badge">
          911 transfer
        </span>
      )}
      <div className="incoming-banner__actions">
        <button type="button" className="button button--accept" data-testid="accept-call" title={withShortcut('Answer the call', 'accept')} aria-keyshortcuts={SHORTCUT_KEYS.accept} onClick={() => controller.accept()}>
          Accept <kbd>{SHORTCUT_KEYS.accept}</kbd>
        </button>
        <button type="button" className="button button--decline" data-testid="decline-call" title={withShortcut('Decline: the call goes to the next agent', 'decline')} aria-keyshortcuts={SHORTCUT_KEYS.decline} onClick={() => controller.decline()}>
          Decline <kbd>{SHORTCUT_KEYS.decline}</kbd>
        </button>
        <button type="button" className="button button--quiet" data-testid="silence-ringtone" disabled={ringtone !== 'ringing'}
          title={withShortcut('Stop the ringtone; the call keeps ringing here', 'silence')} aria-keyshortcuts={SHORTCUT_KEYS.silence}
          onClick={() => controller.calls.silenceRingtone()}>
          {ringtone === 'silenced' ? 'Silenced' : 'Silence'} <kbd>{SHORTCUT_KEYS.silence}</kbd>
        </button>
      </div>
    </div>
  );
}
