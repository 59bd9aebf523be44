// The status bar's counts of pending and rejected changes and open conflicts; one button that
// opens the outbox, so a rejected change is always one click away and never hidden.
import { useDeskController } from '../app/controller-context.js';
import { formatCount } from '../app/format.js';
import { useDesk } from '../stores/desk-store.js';

export function SyncCounts() {
  const controller = useDeskController();
  const pending = useDesk((state) => state.syncStatus?.pendingMutations ?? 0);
  const rejected = useDesk((state) => state.syncStatus?.rejectedMutations ?? 0);
  const conflicts = useDesk((state) => state.syncStatus?.openConflicts ?? 0);
  const outboxOpen = useDesk((state) => state.outbox.open);
  return (
    <button
      type="button"
      className={`sync-counts${rejected > 0 ? ' sync-counts--rejected' : ''}`}
      data-testid="outbox-button"
      aria-haspopup="dialog"
      aria-expanded={outboxOpen}
      title="Open the outbox: changes not yet confirmed by the server"
      onClick={() => (outboxOpen ? controller.cases.closeOutbox() : void controller.cases.openOutbox())}
    >
      <span>
        <span data-testid="pending-count">{formatCount(pending)}</span> pending
      </span>
      <span className={rejected > 0 ? 'sync-counts__bad' : undefined}>
        <span data-testid="rejected-count">{formatCount(rejected)}</span> rejected
      </span>
      <span className={conflicts > 0 ? 'sync-counts__warn' : undefined}>
        <span data-testid="conflict-count">{formatCount(conflicts)}</span> {conflicts === 1 ? 'conflict' : 'conflicts'}
      </span>
    </button>
  );
}
