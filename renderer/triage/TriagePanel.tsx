// The triage panel beside the call: ready while a 911 transfer rings, the triage screen once
// answered (or started on demand), then what came of the run.
import { useDeskController } from '../app/controller-context.js';
import { useDesk } from '../stores/desk-store.js';
import { TriageScreen } from './TriageScreen.js';

function TriageResultView() {
  const controller = useDeskController();
  const run = useDesk((state) => state.triageRun);
  if (run.status !== 'done') return null;
  const { result } = run;
  return (
    <div className="triage-result" data-testid="triage-result" role="status">
      {result.kind === 'returned_to_911' && (
        <p>
          <strong>Returned to 911</strong> ({result.determinant}). Stay on the line until 911 answers, then complete the transfer.
        </p>
      )}
      {result.kind === 'case_created' && (
        <p>
          <strong>Case created</strong> ({result.determinant}) — reference{' '}
          <span className="triage-result__reference" data-testid="triage-case-reference">
            {result.reference}
          </span>
          . The triage record is attached.
        </p>
      )}
      {result.kind === 'recorded' && (
        <p>
          <strong>Triage recorded</strong> ({result.determinant}, {result.outcome.replace(/_/g, ' ')}).
        </p>
      )}
      <div className="form-actions">
        {result.kind === 'case_created' && (
          <button type="button" className="button button--quiet" onClick={() => void controller.cases.openCase(result.caseId)}>
            Open case
          </button>
        )}
        <button type="button" className="button button--quiet" data-testid="triage-close" onClick={() => controller.triage.close()}>
          Close
        </button>
      </div>
    </div>
  );
}

export function TriagePanel() {
  const controller = useDeskController();
  const run = useDesk((state) => state.triageRun);
  const library = useDesk((state) => state.triageLibrary);
  const libraryError = useDesk((state) => state.triageLibraryError);
  const error = useDesk((state) => state.triageError);
  const agentId = useDesk((state) => state.session?.agent.id ?? '');
  const serviceTypes = useDesk((state) => state.serviceTypes);
  const callState = useDesk((state) => state.callState);

  if (run.status === 'none') {
    if (callState !== 'in_call') return null;
    return (
      <section className="triage-panel triage-panel--idle" aria-label="Triage">
        <button type="button" className="button button--quiet" data-testid="triage-start" onClick={() => controller.triage.open()}>
          Start triage
        </button>
      </section>
    );
  }
  return (
    <section className="triage-panel" aria-label="Triage" data-testid="triage-panel">
      {run.status === 'ready' && (
        <p className="triage-ready" data-testid="triage-ready">
          911 transfer: the triage protocol opens when you answer.
        </p>
      )}
      {(run.status === 'open' || run.status === 'saving') &&
        (library ? (
          <div aria-busy={run.status === 'saving'}>
            <TriageScreen
              key={run.runId}
              library={library}
              runId={run.runId}
              callTakerId={agentId}
              callSid={run.callSid}
              location={run.location}
              callbackNumber={run.callbackNumber}
              onLocationChange={(location) => controller.triage.editCaller({ location })}
              onCallbackNumberChange={(callbackNumber) => controller.triage.editCaller({ callbackNumber })}
              onReturnTo911={(record) => void controller.triage.returnTo911(record)}
              onOutcome={(record) => void controller.triage.finish(record)}
              serviceTypes={serviceTypes}
            />
          </div>
        ) : (
          <p className="status-muted" data-testid="triage-loading">
            {libraryError ? `The triage protocols could not be loaded: ${libraryError.message}` : 'Loading the triage protocols…'}
          </p>
        ))}
      {error && (
        <p className="triage-error" role="alert" data-testid="triage-save-error">
          {error.message}
        </p>
      )}
      <TriageResultView />
    </section>
  );
}
