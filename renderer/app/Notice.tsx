// The latest problem worth the agent's attention, in words, with its code for the help desk.
import { useDesk } from '../stores/desk-store.js';

export function Notice() {
  const notice = useDesk((state) => state.notice);
  const dismiss = useDesk((state) => state.noticeDismissed);
  if (!notice) return null;
  return (
    <div className="notice" role="status">
      <span>
        {notice.message} <code>{notice.code}</code>
      </span>
      <button type="button" className="button button--quiet" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
