// A conflict on a case: another agent changed the same field first, so their value stands and
// this one lost. Both are shown with who and when; the agent keeps the current value or takes the other.
import type { CaseConflict } from '../../shared/domain/case-history.js';
import { ServiceRequestStatusSchema } from '../../shared/domain/service-request.js';
import { useDeskController } from '../app/controller-context.js';
import { CASE_STATUS_LABELS } from '../app/format.js';
import { useDesk } from '../stores/desk-store.js';
import { CASE_FIELD_LABELS, describeOrigin, formatFieldValue } from './case-view.js';

function useFieldValueText(field: CaseConflict['field']): (value: unknown) => string {
  const serviceTypes = useDesk((state) => state.serviceTypes);
  return (value) => {
    if (field === 'serviceTypeCode' && typeof value === 'string') return serviceTypes.find((type) => type.code === value)?.name ?? value;
    if (field === 'status') {
      const status = ServiceRequestStatusSchema.safeParse(value);
      if (status.success) return CASE_STATUS_LABELS[status.data];
    }
    return formatFieldValue(value);
  };
}

export function ConflictNotice({ conflict, busy }: { conflict: CaseConflict; busy: boolean }) {
  const controller = useDeskController();
  const clientId = useDesk((state) => state.session?.clientId ?? null);
  const valueText = useFieldValueText(conflict.field);
  const label = CASE_FIELD_LABELS[conflict.field];
  return (
    <section className="conflict-notice" data-testid="conflict-notice" role="alert" aria-label={`Conflicting edits of ${label}`}>
      <h3 className="conflict-notice__title">Two agents changed the {label.toLowerCase()} at the same time</h3>
      <dl className="conflict-notice__sides">
        <div>
          <dt>Current value (applied first, by {describeOrigin(conflict.keptBy, clientId)})</dt>
          <dd data-testid="conflict-kept-value">{valueText(conflict.keptValue)}</dd>
        </div>
        <div>
          <dt>Other value (not applied, by {describeOrigin(conflict.losingBy, clientId)})</dt>
          <dd data-testid="conflict-losing-value">{valueText(conflict.losingValue)}</dd>
        </div>
      </dl>
      <div className="form-actions">
        <button
          type="button"
          className="button button--quiet"
          data-testid="conflict-keep"
          disabled={busy}
          onClick={() => void controller.cases.resolveConflict(conflict.caseId, conflict.id, 'keep')}
        >
          Keep current
        </button>
        <button
          type="button"
          className="button button--quiet"
          data-testid="conflict-take-losing"
          disabled={busy}
          onClick={() => void controller.cases.resolveConflict(conflict.caseId, conflict.id, 'take_losing')}
        >
          Use the other value
        </button>
      </div>
    </section>
  );
}
