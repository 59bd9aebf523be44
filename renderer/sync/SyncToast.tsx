// A toast when a push comes back with refused changes or conflicts; it stays until dismissed,
// since the agent must know, and it leads to where the details are.
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';

export function SyncToast() {
  const controller = useDeskController();
  const toast = useDesk((state) => state.toast);
  const dismiss = useDesk((state) => state.toastDismissed);
  if (!toast) return null;
  return (
    <div className={`toast toast--${toast.tone}`} data-testid="sync-toast" role={toast.tone === 'bad' ? 'alert' : 'status'}>
      <span>{toast.text}</span>
      <button
        type="button"
        className="button button--quiet"
        onClick={() => {
          dismiss();
          void controller.cases.openOutbox();
        }}
      >
        Open outbox
      </button>
      <button type="button" className="button button--quiet" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
