// One known caller: name in large type, phones, address and neighborhood, open case count, their
// cases, and open requests near their address (often the reason for the call); New case starts an
// intake for them.
import type { CallerRecord } from '../../shared/desk-api.js';
import { formatPhoneForDisplay } from '../../shared/phone.js';
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';
import { CaseTable } from './CaseTable.js';

export function CallerCard({ record }: { record: CallerRecord }) {
  const controller = useDeskController();
  const callSid = useDesk((state) => state.currentCall?.callSid ?? null);
  const { caller } = record;
  return (
    <article className="caller-card" data-testid="caller-card">
      <header className="caller-card__head">
        <h2 className="caller-name" data-testid="caller-name">
          {caller.name}
        </h2>
        <span className={`pill ${record.openCaseCount > 0 ? 'pill--open' : 'pill--none'}`} data-testid="open-case-count">
          {record.openCaseCount} open {record.openCaseCount === 1 ? 'case' : 'cases'}
        </span>
        <button
          type="button"
          className="button button--quiet caller-card__new-case"
          data-testid="new-case-button"
          onClick={() => controller.cases.startIntake(callSid, { id: caller.id, name: caller.name, address: caller.address, zipcode: caller.zipcode })}
        >
          New case
        </button>
      </header>
      <dl className="caller-facts">
        <div>
          <dt>Phone</dt>
          <dd>{caller.phones.map(formatPhoneForDisplay).join(' · ')}</dd>
        </div>
        <div>
          <dt>Address</dt>
          <dd>{caller.address ? `${caller.address}${caller.zipcode ? ` ${caller.zipcode}` : ''}` : 'No address on file'}</dd>
        </div>
        <div>
          <dt>Neighborhood</dt>
          <dd>{record.neighborhoodName ?? 'Unknown'}</dd>
        </div>
        {caller.email && (
          <div>
            <dt>Email</dt>
            <dd>{caller.email}</dd>
          </div>
        )}
        {caller.preferredLanguage !== 'en' && (
          <div>
            <dt>Language</dt>
            <dd>{caller.preferredLanguage}</dd>
          </div>
        )}
      </dl>
      <CaseTable title="Cases" cases={record.cases} referenceTestId="case-reference" emptyText="No cases on file." />
      <CaseTable title="Open requests nearby" cases={record.openNearby} referenceTestId="nearby-reference" emptyText="No open requests nearby." />
    </article>
  );
}
