// The outbox: changes made on this desk that the server has not confirmed, and those it refused
// with its reason. A refused change stays until the agent acknowledges it.
import { useEffect, useRef } from 'react';
import type { OutboxEntry } from '../../shared/desk-api.js';
import { useDeskController } from '../app/controller-context.js';
import { formatClock } from '../app/format.js';
import { useDesk } from '../stores/desk-store.js';
import { mutationLabel, outboxSections } from './sync-view.js';

function OutboxRow({ entry, acknowledging }: { entry: OutboxEntry; acknowledging: boolean }) {
  const controller = useDeskController();
  return (
    <li className={`outbox-entry outbox-entry--${entry.state}`} data-testid={`outbox-${entry.state}`}>
      <div className="outbox-entry__head">
        <span className="outbox-entry__name">{mutationLabel(entry.name)}</span>
        <time className="status-muted" dateTime={entry.createdAt}>
          {formatClock(entry.createdAt)}
        </time>
      </div>
      <p className="outbox-entry__summary">{entry.summary}</p>
      {entry.state === 'rejected' && (
        <div className="outbox-entry__rejection">
          <p data-testid="rejection-reason">
            Refused by the server: {entry.error?.message ?? 'no reason given'} {entry.error && <code>{entry.error.code}</code>}
          </p>
          <button
            type="button"
            className="button button--quiet"
            data-testid="acknowledge-rejection"
            disabled={acknowledging}
            onClick={() => void controller.cases.acknowledgeRejection(entry.mutationId)}
          >
            Acknowledge
          </button>
        </div>
      )}
    </li>
  );
}

export function OutboxPanel() {
  const controller = useDeskController();
  const outbox = useDesk((state) => state.outbox);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (outbox.open) headingRef.current?.focus();
  }, [outbox.open]);
  if (!outbox.open) return null;
  const { rejected, pending } = outboxSections(outbox.entries);
  return (
    <aside
      className="drawer outbox-panel"
      data-testid="outbox-panel"
      role="dialog"
      aria-labelledby="outbox-title"
      onKeyDown={(event) => {
        if (event.key === 'Escape') controller.cases.closeOutbox();
      }}
    >
      <header className="drawer__head">
        <h2 id="outbox-title" tabIndex={-1} ref={headingRef}>
          Outbox
        </h2>
        <button type="button" className="button button--quiet" onClick={() => controller.cases.closeOutbox()}>
          Close
        </button>
      </header>
      {outbox.error && (
        <p className="form-error" role="alert">
          {outbox.error.message} <code>{outbox.error.code}</code>
        </p>
      )}
      {outbox.loading && outbox.entries.length === 0 && <p className="status-muted">Reading the outbox…</p>}
      <section aria-label="Refused changes">
        <h3 className="drawer__section-title">Refused by the server ({rejected.length})</h3>
        {rejected.length === 0 ? (
          <p className="status-muted">Nothing refused.</p>
        ) : (
          <ul className="outbox-list">
            {rejected.map((entry) => (
              <OutboxRow key={entry.mutationId} entry={entry} acknowledging={outbox.acknowledging.includes(entry.mutationId)} />
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Waiting to sync">
        <h3 className="drawer__section-title">Waiting to sync ({pending.length})</h3>
        {pending.length === 0 ? (
          <p className="status-muted">Every change has reached the server.</p>
        ) : (
          <ul className="outbox-list">
            {pending.map((entry) => (
              <OutboxRow key={entry.mutationId} entry={entry} acknowledging={false} />
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}
