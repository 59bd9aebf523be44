// One open draft: the tree, the selected node's form, the live error list, publishing with an
// effective time, and test-run mode in the real triage screen. State changes go through
// editor-state.ts; validation, test runs and publish requests are worked out in plain modules.
import { useMemo, useState, type Dispatch } from 'react';
import type { DeskParams } from '../../../shared/desk-api.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import type { PublishedProtocol } from '../../../shared/triage/published.js';
import type { TriageRecord } from '../../../shared/triage/record.js';
import { TriageScreen } from '../TriageScreen.js';
import { canUndo, type DraftDocument } from './draft.js';
import type { EditorAction, EditorState } from './editor-state.js';
import { NodeForm } from './NodeForm.js';
import { ProtocolTree } from './ProtocolTree.js';
import { publishRefusal, publishRequest, type EffectiveChoice, type PublishRefusal } from './publish.js';
import { testRunId, testRunLibrary } from './test-run.js';
import { issueLabel, validateDraft, type DraftIssue } from './validation.js';

export type DraftEditorProps = {
  state: EditorState;
  dispatch: Dispatch<EditorAction>;
  published: readonly PublishedProtocol[];
  serviceTypes: readonly ServiceType[];
  agentId: string;
  now: () => Date;
  publish: (params: DeskParams<'publishTriageProtocol'>) => Promise<PublishedProtocol>;
  onPublished: (entry: PublishedProtocol) => void;
  onClose: () => void;
};

/** When the draft would take effect: the chosen later time if it is one, else now. */
function effectiveAt(choice: EffectiveChoice, now: Date): Date {
  if (choice.mode === 'now') return now;
  const at = new Date(choice.local);
  return Number.isNaN(at.getTime()) ? now : at;
}

export function DraftEditor({ state, dispatch, published, serviceTypes, agentId, now, publish, onPublished, onClose }: DraftEditorProps) {
  const { document } = state.draft;
  const [effective, setEffective] = useState<EffectiveChoice>({ mode: 'now' });
  const [testing, setTesting] = useState(false);
  const at = effectiveAt(effective, now());
  // "Now" moves on every render; the set in effect changes only at a later time someone picked.
  const atKey = effective.mode === 'now' ? 'now' : at.toISOString();
  const validation = useMemo(() => validateDraft(document, { published, catalogue: serviceTypes, at }), [document, published, serviceTypes, atKey]);
  const selectedNode = document.nodes.find((node) => node.id === state.selected) ?? null;
  const protocolIds = useMemo(() => [...new Set(published.map((entry) => entry.id))].filter((id) => id !== document.id).sort(), [published, document.id]);
  const select = (nodeId: string | null) => dispatch({ type: 'select', nodeId });

  return (
    <div className="protocol-draft">
      <header className="protocol-draft__head">
        <h2>
          {document.title || document.id} <span className="protocol-draft__version">version {document.version}, draft</span>
        </h2>
        <div className="form-actions">
          <button type="button" className="button button--quiet" data-testid="protocol-undo" disabled={!canUndo(state.draft) || testing} onClick={() => dispatch({ type: 'undo' })}>
            Undo
          </button>
          <button type="button" className="button button--quiet" disabled={testing} onClick={() => dispatch({ type: 'add-node', kind: 'yes_no', from: null })}>
            Add a node
          </button>
          <button type="button" className="button button--quiet" data-testid="protocol-test-run" aria-pressed={testing} onClick={() => setTesting(!testing)}>
            {testing ? 'Back to editing' : 'Test run'}
          </button>
          <button type="button" className="button button--quiet" onClick={onClose}>
            Close draft
          </button>
        </div>
      </header>
      {testing ? (
        <TestRun document={document} published={published} serviceTypes={serviceTypes} agentId={agentId} now={now} />
      ) : (
        <div className="protocol-draft__body">
          <ProtocolTree document={document} selected={state.selected} withErrors={new Set(validation.byNode.keys())} onSelect={select} />
          <div className="protocol-draft__side">
            <button type="button" className="link-button" onClick={() => select(null)}>
              Protocol settings
            </button>
            {selectedNode ? (
              <NodeForm node={selectedNode} document={document} serviceTypes={serviceTypes} protocolIds={protocolIds} issues={validation.byNode.get(selectedNode.id) ?? []} dispatch={dispatch} />
            ) : (
              <DocumentForm document={document} dispatch={dispatch} />
            )}
          </div>
        </div>
      )}
      <ErrorList issues={validation.issues} documentId={document.id} onSelect={select} />
      <PublishPanel document={document} canPublish={validation.canPublish && !testing} effective={effective} onEffective={setEffective} now={now} publish={publish} onPublished={onPublished} onSelect={select} />
    </div>
  );
}

function DocumentForm({ document, dispatch }: { document: DraftDocument; dispatch: Dispatch<EditorAction> }) {
  return (
    <form className="protocol-form" aria-label="Protocol settings" onSubmit={(event) => event.preventDefault()}>
      <fieldset>
        <legend>
          Protocol <code>{document.id}</code>, version {document.version}
        </legend>
        <label className="form-row form-row--wide">
          Title
          <input value={document.title} onChange={(event) => dispatch({ type: 'edit-document', patch: { title: event.target.value } })} />
        </label>
        <label className="form-row form-row--wide">
          Summary
          <textarea rows={2} value={document.summary} onChange={(event) => dispatch({ type: 'edit-document', patch: { summary: event.target.value } })} />
        </label>
        <label className="form-row form-row--wide">
          Start node
          <select value={document.start} onChange={(event) => dispatch({ type: 'edit-document', patch: { start: event.target.value } })}>
            {!document.nodes.some((node) => node.id === document.start) && <option value={document.start}>{document.start} (missing)</option>}
            {document.nodes.map((node) => (
              <option key={node.id} value={node.id}>
                {node.id}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
    </form>
  );
}

function ErrorList({ issues, documentId, onSelect }: { issues: readonly DraftIssue[]; documentId: string; onSelect: (nodeId: string | null) => void }) {
  return (
    <section className="protocol-errors" data-testid="protocol-errors" aria-live="polite">
      <h3>{issues.length === 0 ? 'No errors: ready to publish' : `${issues.length} ${issues.length === 1 ? 'error' : 'errors'} to fix before publishing`}</h3>
      {issues.length > 0 && (
        <ul>
          {issues.map((issue) => (
            <li key={issue.key}>
              <button type="button" className="link-button" data-testid={`protocol-error-${issue.nodeId ?? 'document'}`} onClick={() => onSelect(issue.protocolId === documentId ? issue.nodeId : null)}>
                {issueLabel(issue, documentId)}
              </button>{' '}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type PublishPanelProps = {
  document: DraftDocument;
  canPublish: boolean;
  effective: EffectiveChoice;
  onEffective: (choice: EffectiveChoice) => void;
  now: () => Date;
  publish: DraftEditorProps['publish'];
  onPublished: DraftEditorProps['onPublished'];
  onSelect: (nodeId: string | null) => void;
};

type PublishStatus = { state: 'idle' } | { state: 'publishing' } | { state: 'not-sent'; message: string } | { state: 'refused'; refusal: PublishRefusal };

function PublishPanel({ document, canPublish, effective, onEffective, now, publish, onPublished, onSelect }: PublishPanelProps) {
  const [status, setStatus] = useState<PublishStatus>({ state: 'idle' });
  const send = () => {
    const request = publishRequest(document, effective, now());
    if (!request.ok) return setStatus({ state: 'not-sent', message: request.message });
    setStatus({ state: 'publishing' });
    publish(request.params).then(
      (entry) => {
        setStatus({ state: 'idle' });
        onPublished(entry);
      },
      (thrown: unknown) => setStatus({ state: 'refused', refusal: publishRefusal(thrown) }),
    );
  };
  return (
    <section className="protocol-publish" aria-label="Publish">
      <fieldset className="protocol-publish__when">
        <legend>Takes effect</legend>
        <label>
          <input type="radio" name="protocol-effective" checked={effective.mode === 'now'} onChange={() => onEffective({ mode: 'now' })} /> Now
        </label>
        <label>
          <input type="radio" name="protocol-effective" checked={effective.mode === 'later'} onChange={() => onEffective({ mode: 'later', local: '' })} /> At
        </label>
        <input
          type="datetime-local"
          aria-label="Takes effect at"
          data-testid="protocol-effective-at"
          disabled={effective.mode !== 'later'}
          value={effective.mode === 'later' ? effective.local : ''}
          onChange={(event) => onEffective({ mode: 'later', local: event.target.value })}
        />
      </fieldset>
      <button type="button" className="button button--primary" data-testid="protocol-publish" disabled={!canPublish || status.state === 'publishing'} onClick={send}>
        {status.state === 'publishing' ? 'Publishing…' : `Publish version ${document.version}`}
      </button>
      {status.state === 'not-sent' && (
        <p className="form-error" role="alert">
          {status.message}
        </p>
      )}
      {status.state === 'refused' && (
        <div className="form-error" role="alert" data-testid="protocol-publish-refused">
          <p>
            The server refused it ({status.refusal.code}): {status.refusal.message}
          </p>
          <ul>
            {status.refusal.errors.map((error, index) => (
              <li key={index}>
                <button type="button" className="link-button" onClick={() => onSelect(error.protocolId === document.id ? error.nodeId : null)}>
                  {error.nodeId ? `Node ${error.nodeId}` : `Protocol ${error.protocolId ?? document.id}`}
                </button>{' '}
                {error.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** The draft in the real triage screen, with the other protocols in effect; nothing is recorded. */
function TestRun({ document, published, serviceTypes, agentId, now }: { document: DraftDocument; published: readonly PublishedProtocol[]; serviceTypes: readonly ServiceType[]; agentId: string; now: () => Date }) {
  const [attempt, setAttempt] = useState(() => ({ started: now(), count: 0 }));
  const [record, setRecord] = useState<TriageRecord | null>(null);
  const [location, setLocation] = useState('');
  const [callbackNumber, setCallbackNumber] = useState('');
  const check = useMemo(() => testRunLibrary(document, published, serviceTypes, attempt.started), [document, published, serviceTypes, attempt]);
  const again = () => {
    setRecord(null);
    setAttempt({ started: now(), count: attempt.count + 1 });
  };
  if (!check.ok) return <p className="form-error" data-testid="protocol-test-run-blocked">Fix the errors below before a test run.</p>;
  return (
    <section className="protocol-test-run" data-testid="protocol-test-run-panel" aria-label="Test run">
      <p className="form-hint">Test run: nothing is recorded and no call is transferred.</p>
      <TriageScreen
        key={attempt.count}
        library={check.library}
        runId={testRunId(attempt.started)}
        callTakerId={agentId}
        location={location}
        callbackNumber={callbackNumber}
        onLocationChange={setLocation}
        onCallbackNumberChange={setCallbackNumber}
        onReturnTo911={setRecord}
        onOutcome={setRecord}
        serviceTypes={serviceTypes}
      />
      {record && <TestRunRecord record={record} />}
      <button type="button" className="button button--quiet" onClick={again}>
        Run again
      </button>
    </section>
  );
}

function TestRunRecord({ record }: { record: TriageRecord }) {
  return (
    <section className="protocol-test-run__record" data-testid="protocol-test-run-record" aria-label="The record this run would produce">
      <h3>
        The record this run would produce: {record.status}, {record.outcome?.determinant ?? 'no outcome'}
      </h3>
      <ol>
        {record.steps.map((step, index) => (
          <li key={index} className={step.supersededAt ? 'protocol-test-run__superseded' : undefined}>
            {step.prompt} — {step.answer?.display ?? '(not answered)'}
          </li>
        ))}
      </ol>
      <details>
        <summary>Full record</summary>
        <pre>{JSON.stringify(record, null, 2)}</pre>
      </details>
    </section>
  );
}
