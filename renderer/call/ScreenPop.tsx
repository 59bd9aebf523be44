// The screen pop: every caller the local cache knows under the ringing number, or a "New caller"
// card. Once the browser has painted it the controller records `screen-pop-rendered`.
import { useLayoutEffect } from 'react';
import { afterNextPaint } from '../app/after-paint.js';
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';
import { CallerCard } from './CallerCard.js';
import { NewCallerCard } from './NewCallerCard.js';

export function ScreenPop() {
  const controller = useDeskController();
  const view = useDesk((state) => state.screenPop);
  const call = useDesk((state) => state.currentCall);

  // A layout effect runs right at the commit, so the wait for the paint starts with no delay.
  useLayoutEffect(() => {
    if (view.status !== 'ready' && view.status !== 'failed') return undefined;
    const matches = view.status === 'ready' ? view.pop.matches.length : 0;
    return afterNextPaint(() => controller.screenPopPainted(view.callSid, matches));
  }, [view, controller]);

  if (view.status === 'none' || !call) return null;
  if (view.status === 'loading') {
    return (
      <div className="screen-pop screen-pop--loading" aria-busy="true">
        Looking up {formatPhoneForDisplay(call.from)}…
      </div>
    );
  }
  const newCallerPhone = formatPhoneForDisplay(view.status === 'ready' ? (view.pop.e164 ?? call.from) : call.from);
  return (
    <section className="screen-pop" data-testid="screen-pop" aria-label="Caller">
      {view.status === 'failed' && (
        <p className="screen-pop__error" role="alert">
          The caller lookup failed ({view.error.message}).
        </p>
      )}
      {view.status === 'ready' && view.pop.matches.length > 1 && (
        <p className="screen-pop__note">{view.pop.matches.length} callers use this number.</p>
      )}
      {view.status === 'ready' && view.pop.matches.length > 0 ? (
        view.pop.matches.map((record) => <CallerCard key={record.caller.id} record={record} />)
      ) : (
        <NewCallerCard key={view.callSid} phone={newCallerPhone} callSid={view.callSid} />
      )}
      {view.status === 'ready' && <p className="screen-pop__timing status-muted">Local lookup {view.pop.lookupMs.toFixed(1)} ms</p>}
    </section>
  );
}
