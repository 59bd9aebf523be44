// The case detail, opened from any case row or search result: fields, status changes the shared
// table allows, description and address edits, notes, this desk's pending changes, and conflicts.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CaseDetail } from '../../shared/desk-api.js';
import { useDeskController } from '../app/controller-context.js';
import { CASE_STATUS_LABELS, formatClock, formatDate } from '../app/format.js';
import { useDesk } from '../stores/desk-store.js';
import type { CaseFieldEdits } from './case-desk.js';
import { openConflicts, referenceView, statusActionsFor } from './case-view.js';
import { ConflictNotice } from './ConflictNotice.js';

function CaseEditForm({ detail, busy }: { detail: CaseDetail; busy: boolean }) {
  const controller = useDeskController();
  const request = detail.serviceRequest;
  const id = useId();
  const [description, setDescription] = useState(request.description);
  const [address, setAddress] = useState(request.address ?? '');
  const changes: CaseFieldEdits = {};
  if (description !== request.description) changes.description = description;
  if ((address.trim() || null) !== request.address) changes.address = address.trim() || null;
  const changed = Object.keys(changes).length > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (changed) void controller.cases.editCase(request.id, changes);
  };
  return (
    <form className="case-edit" onSubmit={submit} data-testid="case-edit-form">
      <div className="form-row form-row--wide">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} data-testid="case-edit-description" rows={3} maxLength={4000} value={description} disabled={busy} onChange={(event) => setDescription(event.target.value)} />
      </div>
      <div className="form-row form-row--wide">
        <label htmlFor={`${id}-address`}>Address</label>
        <input id={`${id}-address`} data-testid="case-edit-address" type="text" maxLength={300} value={address} disabled={busy} onChange={(event) => setAddress(event.target.value)} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="case-edit-save" disabled={busy || !changed}>
          Save changes
        </button>
      </div>
    </form>
  );
}

function NoteForm({ caseId, busy }: { caseId: string; busy: boolean }) {
  const controller = useDeskController();
  const id = useId();
  const [text, setText] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    if (await controller.cases.addNote(caseId, text.trim())) setText('');
  };
  return (
    <form className="note-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${id}-note`}>Add a note</label>
      <textarea id={`${id}-note`} data-testid="case-note-text" rows={2} maxLength={4000} value={text} disabled={busy} onChange={(event) => setText(event.target.value)} />
      <div className="form-actions">
        <button type="submit" className="button button--quiet" data-testid="case-note-add" disabled={busy || !text.trim()}>
          Add note
        </button>
      </div>
    </form>
  );
}

function CaseDetailBody({ detail, busy }: { detail: CaseDetail; busy: boolean }) {
  const controller = useDeskController();
  const request = detail.serviceRequest;
  const reference = referenceView(request);
  const conflicts = openConflicts(detail.conflicts);
  return (
    <>
      <header className="drawer__head">
        <div>
          <h2 id="case-detail-title" tabIndex={-1}>
            Case <span data-testid="case-detail-reference">{reference.reference}</span>
            {reference.provisional && <span className="pill pill--provisional">provisional</span>}
          </h2>
          {reference.provisionalAlias && <p className="status-muted">provisional ref {reference.provisionalAlias}</p>}
          <p>
            {request.serviceTypeName} · <span className={`pill pill--status-${request.status}`} data-testid="case-detail-status">{CASE_STATUS_LABELS[request.status]}</span>
            {request.priority !== 'standard' && (
              <>
                {' '}· <span className={`pill pill--priority-${request.priority}`} data-testid="case-detail-priority">{request.priority} priority</span>
              </>
            )}
            {' '}· {request.agency}
          </p>
        </div>
        <button type="button" className="button button--quiet" data-testid="case-detail-close" onClick={() => controller.cases.closeCase()}>
          Close
        </button>
      </header>
      {conflicts.map((conflict) => (
        <ConflictNotice key={conflict.id} conflict={conflict} busy={busy} />
      ))}
      <div className="case-status-actions" role="group" aria-label="Change status">
        {statusActionsFor(request.status).map((action) => (
          <button
            key={action.to}
            type="button"
            className="button button--quiet"
            data-testid={`case-status-${action.to}`}
            disabled={busy}
            onClick={() => void controller.cases.changeStatus(request.id, action.to)}
          >
            {action.label}
          </button>
        ))}
      </div>
      <dl className="caller-facts">
        <div>
          <dt>Department</dt>
          <dd>{request.agency}</dd>
        </div>
        <div>
          <dt>Requested</dt>
          <dd>
            {formatDate(request.requestedAt)} {formatClock(request.requestedAt)}
          </dd>
        </div>
        <div>
          <dt>Channel</dt>
          <dd>{request.channel.replace('_', ' ')}</dd>
        </div>
        {request.zipcode && (
          <div>
            <dt>ZIP code</dt>
            <dd>{request.zipcode}</dd>
          </div>
        )}
      </dl>
      <CaseEditForm key={`${request.id}:${request.updatedAt}:${request.description}:${request.address ?? ''}`} detail={detail} busy={busy} />
      {detail.pending.length > 0 && (
        <section aria-label="Changes waiting to sync" data-testid="case-pending">
          <h3 className="drawer__section-title">Waiting to sync ({detail.pending.length})</h3>
          <ul className="outbox-list">
            {detail.pending.map((entry) => (
              <li key={entry.mutationId} className={`outbox-entry outbox-entry--${entry.state}`}>
                {entry.summary}
                {entry.state === 'rejected' && entry.error && <span className="form-error"> — refused: {entry.error.message}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-label="Notes">
        <h3 className="drawer__section-title">Notes ({detail.notes.length})</h3>
        <ul className="note-list" data-testid="case-notes">
          {detail.notes.map((note) => (
            <li key={note.id} className="note">
              <p>{note.text}</p>
              <p className="status-muted">
                {note.authorAgentId} · {formatDate(note.createdAt)} {formatClock(note.createdAt)}
              </p>
            </li>
          ))}
        </ul>
        <NoteForm caseId={request.id} busy={busy} />
      </section>
    </>
  );
}

export function CaseDetailPanel() {
  const controller = useDeskController();
  const view = useDesk((state) => state.caseDetail);
  const panelRef = useRef<HTMLElement>(null);
  const caseId = view.status === 'closed' ? null : view.caseId;
  // Focus moves into the panel when a case opens, so the keyboard follows the agent's click.
  useEffect(() => {
    if (caseId) panelRef.current?.focus();
  }, [caseId]);
  if (view.status === 'closed') return null;
  return (
    <aside
      ref={panelRef}
      tabIndex={-1}
      className="drawer case-detail"
      data-testid="case-detail"
      role="dialog"
      aria-labelledby="case-detail-title"
      aria-busy={view.status === 'loading'}
      onKeyDown={(event) => {
        if (event.key === 'Escape') controller.cases.closeCase();
      }}
    >
      {view.status === 'loading' && (
        <p className="status-muted" id="case-detail-title">
          Opening the case…
        </p>
      )}
      {view.status === 'failed' && (
        <div role="alert">
          <p id="case-detail-title">The case could not be opened: {view.error.message}</p>
          <button type="button" className="button button--quiet" onClick={() => controller.cases.closeCase()}>
            Close
          </button>
        </div>
      )}
      {view.status === 'ready' && (
        <>
          {view.actionError && (
            <p className="form-error" role="alert" data-testid="case-action-error">
              {view.actionError.message} <code>{view.actionError.code}</code>
            </p>
          )}
          <CaseDetailBody detail={view.detail} busy={view.busy} />
        </>
      )}
    </aside>
  );
}
