// After an answered call: how it ended (a disposition, 1-9), an optional case link and note, then
// done (W) and the agent is available again.
import { useDeskController } from '../app/controller-context.js';
import { SHORTCUT_KEYS } from '../app/shortcuts.js';
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { useDesk } from '../stores/desk-store.js';
import { DISPOSITION_LABELS, DISPOSITIONS } from './call-controls-view.js';

export function WrapUpPanel() {
  const controller = useDeskController();
  const form = useDesk((state) => state.wrapUp);
  const edit = useDesk((state) => state.wrapUpEdited);
  if (!form) return null;
  return (
    <form
      className="wrap-up"
      data-testid="wrap-up"
      aria-label="Wrap-up"
      onSubmit={(event) => {
        event.preventDefault();
        void controller.calls.submitWrapUp();
      }}
    >
      <h2 className="wrap-up__title">Wrap-up · {formatPhoneForDisplay(form.from)}</h2>
      <fieldset className="wrap-up__dispositions">
        <legend>How did the call end?</legend>
        {DISPOSITIONS.map((disposition, index) => (
          <label key={disposition} title={`${DISPOSITION_LABELS[disposition]} (${index + 1})`}>
            <input
              type="radio"
              name="disposition"
              value={disposition}
              data-testid={`disposition-${disposition}`}
              checked={form.disposition === disposition}
              onChange={() => edit({ disposition })}
            />
            <kbd>{index + 1}</kbd> {DISPOSITION_LABELS[disposition]}
          </label>
        ))}
      </fieldset>
      <label className="wrap-up__field">
        Case (optional)
        <input
          type="text"
          data-testid="wrap-up-case"
          placeholder="Case id"
          value={form.caseId ?? ''}
          onChange={(event) => edit({ caseId: event.target.value.trim() === '' ? null : event.target.value.trim() })}
        />
      </label>
      <label className="wrap-up__field">
        Note (optional)
        <textarea data-testid="wrap-up-note" maxLength={2000} value={form.note} onChange={(event) => edit({ note: event.target.value })} />
      </label>
      {form.error && <p role="alert" data-testid="wrap-up-error">{form.error.message}</p>}
      <button type="submit" className="button button--primary" data-testid="wrap-up-done" disabled={!form.disposition || form.saving}
        title={`Finish wrap-up and take calls again (${SHORTCUT_KEYS.submitWrapUp})`} aria-keyshortcuts={SHORTCUT_KEYS.submitWrapUp}>
        {form.saving ? 'Saving…' : 'Done'} <kbd>{SHORTCUT_KEYS.submitWrapUp}</kbd>
      </button>
    </form>
  );
}
