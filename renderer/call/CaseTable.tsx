// A compact table of service requests: reference, service type, status, date and address. A row
// opens the case detail (the reference is a button, so the keyboard gets there too).
import type { CaseSummary } from '../../shared/desk-api.js';
import { useDeskController } from '../app/controller-context.js';
import { CASE_STATUS_LABELS, formatDate } from '../app/format.js';

type CaseTableProps = {
  title: string;
  cases: CaseSummary[];
  referenceTestId: string;
  emptyText: string;
};

export function CaseTable({ title, cases, referenceTestId, emptyText }: CaseTableProps) {
  const controller = useDeskController();
  const open = (caseId: string) => void controller.cases.openCase(caseId);
  return (
    <section className="case-list">
      <h3 className="case-list__title">
        {title} <span className="status-muted">({cases.length})</span>
      </h3>
      {cases.length === 0 ? (
        <p className="status-muted">{emptyText}</p>
      ) : (
        <table className="case-table">
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Service</th>
              <th scope="col">Status</th>
              <th scope="col">Date</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((request) => (
              <tr key={request.id} className="case-table__row" onClick={() => open(request.id)}>
                <td className="case-table__reference">
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Open case ${request.reference}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      open(request.id);
                    }}
                  >
                    <span data-testid={referenceTestId}>{request.reference}</span>
                  </button>
                </td>
                <td>{request.serviceTypeName}</td>
                <td>
                  <span className={`pill pill--status-${request.status}`}>{CASE_STATUS_LABELS[request.status]}</span>
                </td>
                <td>
                  <time dateTime={request.requestedAt}>{formatDate(request.requestedAt)}</time>
                </td>
                <td>{request.address ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
