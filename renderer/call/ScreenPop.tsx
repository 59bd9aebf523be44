// The screen pop: every caller the local cache knows under the ringing number, or a "New caller"
// card. After it is painted the controller records `screen-pop-rendered`.
import { useEffect } from 'react';
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';
import { CallerCard } from './CallerCard.js';
import { NewCallerCard } from './NewCallerCard.js';

export function ScreenPop() {
  const controller = useDeskController();
  const view = useDesk((state) => state.screenPop);
  const call = useDesk((state) => state.currentCall);

  useEffect(() => {
    if (view.status !== 'ready' && view.status !== 'failed') return undefined;
    const matches = view.status === 'ready' ? view.pop.matches.length : 0;
    // Effects run after React commits; the next animation frame comes after the browser paints it.
    const frame = requestAnimationFrame(() => controller.screenPopPainted(view.callSid, matches));
    return () => cancelAnimationFrame(frame);
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
