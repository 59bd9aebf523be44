// The call panel: the softphone's state, the ringing banner or the live-call bar with its controls,
// wrap-up after an answered call, the call's timeline, the screen pop while a call is on, and the
// last call's summary while waiting for the next one.
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { formatDuration } from '../app/format.js';
import { useNow } from '../app/use-now.js';
import { useDesk } from '../stores/desk-store.js';
import { CallControlsBar } from './CallControlsBar.js';
import { CallTimeline } from './CallTimeline.js';
import { HeadsetPicker } from './HeadsetPicker.js';
import { IncomingBanner } from './IncomingBanner.js';
import { LastCall } from './LastCall.js';
import { ScreenPop } from './ScreenPop.js';
import { TriagePanel } from '../triage/TriagePanel.js';
import { WrapUpPanel } from './WrapUpPanel.js';

function ActiveCall() {
  const callState = useDesk((state) => state.callState);
  const call = useDesk((state) => state.currentCall);
  const answeredAt = useDesk((state) => state.answeredAt);
  const now = useNow(1_000, answeredAt !== null);
  if (!call) return null;
  const label = callState === 'connecting' ? 'Connecting to' : callState === 'reconnecting' ? 'Reconnecting to' : 'On call with';
  return (
    <div className={`active-call active-call--${callState}`}>
      <div>
        <p className="active-call__label">{label}</p>
        <p className="active-call__number">{formatPhoneForDisplay(call.from)}</p>
      </div>
      {call.is911Transfer && (
        <span className="badge badge--911" data-testid="transfer-911-badge">
          911 transfer
        </span>
      )}
      <time className="call-timer" data-testid="call-timer" aria-label="Call duration">
        {answeredAt === null ? '0:00' : formatDuration(now - answeredAt)}
      </time>
    </div>
  );
}

function Waiting() {
  const registration = useDesk((state) => state.softphoneRegistration);
  const agentState = useDesk((state) => state.agent?.state);
  const message =
    registration !== 'registered'
      ? 'The phone is not connected yet; calls will ring here once it is.'
      : agentState === 'away'
        ? 'You are away: no calls will be offered until you are available.'
        : 'Waiting for the next call.';
  return <p className="waiting">{message}</p>;
}

export function CallPanel() {
  const callState = useDesk((state) => state.callState);
  const wrappingUp = useDesk((state) => state.wrapUp !== null);
  const showPop = callState !== 'idle';
  return (
    <section className="call-panel" aria-label="Call">
      <div className="call-panel__head">
        <h1 className="call-panel__title">Call</h1>
        <span className={`call-state call-state--${callState}`} data-testid="call-state" aria-live="polite">
          {callState}
        </span>
      </div>
      {callState === 'ringing' && <IncomingBanner />}
      {(callState === 'connecting' || callState === 'in_call' || callState === 'reconnecting') && (
        <>
          <ActiveCall />
          <CallControlsBar />
        </>
      )}
      {/* Triage sits right under the controls: for a 911 transfer it is the call. */}
      <TriagePanel />
      <HeadsetPicker />
      <WrapUpPanel />
      <CallTimeline />
      {callState === 'idle' && !wrappingUp && <Waiting />}
      {showPop && <ScreenPop />}
      {(callState === 'idle' || callState === 'ended') && <LastCall />}
    </section>
  );
}
