// Taking a case: the new-case form for the caller on the line (or nobody in particular), then the
// reference to read out, provisional while the desk is offline and official once the server has it.
import { useId, useState, type FormEvent } from 'react';
import type { CaseSummary } from '../../shared/desk-api.js';
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';
import type { CaseIntake } from '../stores/cases-slice.js';
import { referenceView } from './case-view.js';
import { ServiceTypePicker } from './ServiceTypePicker.js';

function CreatedCase({ created }: { created: CaseSummary }) {
  const controller = useDeskController();
  const reference = referenceView(created);
  return (
    <div className="created-case" data-testid="created-case" role="status">
      <p className="created-case__label">{reference.provisional ? 'Case saved on this desk — provisional reference' : 'Case created — reference'}</p>
      <p className="created-case__reference" data-testid="created-case-reference">
        {reference.reference}
      </p>
      {reference.provisional ? (
        <p className="status-muted">Read it to the caller; it keeps finding the case after the official number arrives.</p>
      ) : (
        reference.provisionalAlias && (
          <p className="status-muted">
            provisional ref <span data-testid="created-case-provisional">{reference.provisionalAlias}</span>
          </p>
        )
      )}
      <p>
        {created.serviceTypeName}
        {created.address ? ` · ${created.address}` : ''}
      </p>
      <div className="form-actions">
        <button type="button" className="button button--quiet" onClick={() => void controller.cases.openCase(created.id)}>
          Open case
        </button>
        <button type="button" className="button button--quiet" data-testid="intake-done" onClick={() => controller.cases.closeIntake()}>
          Done
        </button>
      </div>
    </div>
  );
}

function NewCaseForm({ intake }: { intake: CaseIntake }) {
  const controller = useDeskController();
  const serviceTypes = useDesk((state) => state.serviceTypes);
  const id = useId();
  const [serviceTypeCode, setServiceTypeCode] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState(intake.caller?.address ?? '');
  const chosen = serviceTypes.find((type) => type.code === serviceTypeCode);
  const missingAddress = chosen?.needsLocation === true && address.trim() === '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!serviceTypeCode || missingAddress) return;
    void controller.cases.submitCase({ serviceTypeCode, description, address });
  };
  return (
    <form className="new-case-form" data-testid="new-case-form" onSubmit={submit} aria-busy={intake.saving}>
      <ServiceTypePicker types={serviceTypes} value={serviceTypeCode} onChange={setServiceTypeCode} disabled={intake.saving} />
      <div className="form-row form-row--wide">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          data-testid="new-case-description"
          rows={3}
          maxLength={4000}
          value={description}
          disabled={intake.saving}
          onChange={(event) => setDescription(event.target.value)}
          placeholder="What the caller reports, in their words"
        />
      </div>
      <div className="form-row form-row--wide">
        <label htmlFor={`${id}-address`}>Address</label>
        <input
          id={`${id}-address`}
          data-testid="new-case-address"
          type="text"
          autoComplete="off"
          maxLength={300}
          value={address}
          disabled={intake.saving}
          onChange={(event) => setAddress(event.target.value)}
          aria-invalid={missingAddress}
        />
        {missingAddress && <p className="form-hint">This service type needs an address.</p>}
      </div>
      {intake.error && (
        <p className="form-error" role="alert">
          The case was not saved: {intake.error.message} <code>{intake.error.code}</code>
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="new-case-submit" disabled={intake.saving || !serviceTypeCode || missingAddress}>
          {intake.saving ? 'Saving…' : 'Create case'}
        </button>
        <button type="button" className="button button--quiet" onClick={() => controller.cases.closeIntake()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function CaseIntakePanel() {
  const intake = useDesk((state) => state.intake);
  if (!intake) return null;
  return (
    <section className="intake" aria-label="New case" data-testid="case-intake">
      <h2 className="intake__title">New case{intake.caller ? ` for ${intake.caller.name}` : ''}</h2>
      {intake.created ? (
        <CreatedCase created={intake.created} />
      ) : (
        <NewCaseForm key={`${intake.callSid ?? 'none'}:${intake.caller?.id ?? 'none'}`} intake={intake} />
      )}
    </section>
  );
}
