// The triage screen for a call transferred from 911: one question at a time, large and plain,
// answered from the keyboard, with Return to 911 always in reach. The logic is in triage-view.ts.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { AnswerError } from '../../shared/triage/answers.js';
import type { TriageRecord } from '../../shared/triage/record.js';
import { TriageRun, type TriageClock } from '../../shared/triage/runner.js';
import type { ProtocolLibrary } from '../../shared/triage/validate.js';
import { useNow } from '../app/use-now.js';
import {
  actionForKey,
  initialAnswerText,
  performTriageAction,
  triageScreenView,
  type ServiceTypeNames,
  type TriageAction,
  type TriageKey,
  type TriageScreenView,
} from './triage-view.js';

export type TriageScreenProps = {
  library: ProtocolLibrary;
  runId: string;
  callTakerId: string;
  callSid?: string | null;
  location: string;
  callbackNumber: string;
  onLocationChange: (location: string) => void;
  onCallbackNumberChange: (callbackNumber: string) => void;
  /** Called once, with the final record, when the caller must go back to 911. */
  onReturnTo911: (record: TriageRecord) => void;
  /** Called once, with the final record, when the call-taker confirms a non-emergency outcome. */
  onOutcome: (record: TriageRecord) => void;
  serviceTypes?: ServiceTypeNames;
  clock?: TriageClock;
};

/** One run per mount: give it `key={runId}` to start a new triage for a new call. */
export function TriageScreen(props: TriageScreenProps) {
  const { library, runId, callTakerId, callSid = null, clock, location, callbackNumber } = props;
  const [run, setRun] = useState(() => TriageRun.start({ library, runId, callTakerId, callSid, clock }));
  // The latest run, read by handlers: two quick presses must not both act on the same stale run.
  const latest = useRef(run);
  const [text, setText] = useState('');
  const [error, setError] = useState<AnswerError | null>(null);
  useNow(1_000, !run.isFinished);
  const view = triageScreenView(run, props.serviceTypes);
  const answerRef = useRef<HTMLInputElement>(null);
  const screenRef = useRef<HTMLElement>(null);
  const stepKey = view.mode === 'question' ? view.stepKey : view.mode;

  // A new question starts with a fresh answer box (an address one with the caller's location) and the focus on it.
  useEffect(() => {
    setText(initialAnswerText(view, location));
    setError(null);
    (answerRef.current ?? screenRef.current)?.focus();
    // Only the question changing resets the box: the location changing must not erase typing.
  }, [stepKey]);

  const perform = (action: TriageAction) => {
    const next = performTriageAction(latest.current, action, { location, callbackNumber });
    latest.current = next.run;
    setRun(next.run);
    setError(next.error);
    if (next.effect?.kind === 'return_to_911') props.onReturnTo911(next.effect.record);
    if (next.effect?.kind === 'outcome') props.onOutcome(next.effect.record);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.repeat) return;
    const target = keyTarget(event.target, answerRef.current);
    const action = actionForKey(view, { key: event.key, target, text, modifiers: event.ctrlKey || event.metaKey || event.altKey });
    if (!action) return;
    event.preventDefault();
    perform(action);
  };

  return (
    <section className="triage" aria-label="Triage" data-testid="triage-screen" ref={screenRef} tabIndex={-1} onKeyDown={onKeyDown}>
      <header className="triage__head">
        <CallerDetailsEditor {...props} />
        <time className="triage__elapsed" data-testid="triage-elapsed" aria-label="Time on triage">
          {view.elapsed}
        </time>
        <button
          type="button"
          className="button button--return-911"
          data-testid="triage-return-911"
          disabled={!view.canReturnTo911}
          onClick={() => perform({ type: 'return_to_911' })}
        >
          Return to 911
        </button>
      </header>
      {view.mode === 'question' ? (
        <QuestionBody view={view} text={text} onText={setText} error={error} answerRef={answerRef} perform={perform} />
      ) : (
        <OutcomeBody view={view} perform={perform} />
      )}
    </section>
  );
}

function keyTarget(target: EventTarget, answerBox: HTMLInputElement | null): TriageKey['target'] {
  if (target === answerBox) return 'answer';
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return 'other-field';
  if (target instanceof HTMLButtonElement) return 'control';
  return 'none';
}

function CallerDetailsEditor({ location, callbackNumber, onLocationChange, onCallbackNumberChange }: TriageScreenProps) {
  const id = useId();
  return (
    <div className="triage__caller">
      <div className="form-row">
        <label htmlFor={`${id}-location`}>Location</label>
        <input id={`${id}-location`} data-testid="triage-location" type="text" maxLength={300} autoComplete="off" value={location} onChange={(event) => onLocationChange(event.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor={`${id}-callback`}>Callback number</label>
        <input id={`${id}-callback`} data-testid="triage-callback" type="tel" maxLength={64} autoComplete="off" value={callbackNumber} onChange={(event) => onCallbackNumberChange(event.target.value)} />
      </div>
    </div>
  );
}

type QuestionBodyProps = {
  view: Extract<TriageScreenView, { mode: 'question' }>;
  text: string;
  onText: (text: string) => void;
  error: AnswerError | null;
  answerRef: RefObject<HTMLInputElement | null>;
  perform: (action: TriageAction) => void;
};

function QuestionBody({ view, text, onText, error, answerRef, perform }: QuestionBodyProps) {
  const id = useId();
  return (
    <div className="triage__body">
      <p className="triage__protocol">{view.protocolTitle}</p>
      <h2 className="triage__question" id={`${id}-prompt`} data-testid="triage-question">
        {view.prompt}
      </h2>
      {view.help && <p className="triage__help">{view.help}</p>}
      {view.input ? (
        <div className="triage__typed">
          <input
            ref={answerRef}
            className="triage__input"
            data-testid="triage-answer-input"
            aria-labelledby={`${id}-prompt`}
            aria-invalid={error !== null}
            type="text"
            inputMode={view.input.numeric ? 'decimal' : 'text'}
            autoComplete="off"
            maxLength={view.input.maxLength}
            placeholder={view.input.placeholder}
            value={text}
            onChange={(event) => onText(event.target.value)}
          />
          {view.input.unit && <span className="triage__unit">{view.input.unit}</span>}
          <button type="button" className="button button--primary" data-testid="triage-answer-submit" onClick={() => perform({ type: 'answer', value: text })}>
            Next <kbd>Enter</kbd>
          </button>
        </div>
      ) : (
        <ol className="triage__answers">
          {view.buttons.map((button) => (
            <li key={button.key}>
              <button type="button" className="triage__answer" data-testid={`triage-answer-${button.key}`} aria-keyshortcuts={button.key} onClick={() => perform({ type: 'answer', value: button.value })}>
                <kbd>{button.key}</kbd> {button.label}
              </button>
            </li>
          ))}
        </ol>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="triage-error">
          {error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button button--quiet" data-testid="triage-back" disabled={!view.canGoBack} onClick={() => perform({ type: 'back' })}>
          Back <kbd>Backspace</kbd>
        </button>
      </div>
    </div>
  );
}

function OutcomeBody({ view, perform }: { view: Extract<TriageScreenView, { mode: 'outcome' | 'finished' }>; perform: (action: TriageAction) => void }) {
  return (
    <div className={`triage__body triage-outcome triage-outcome--${view.kind}`} data-testid="triage-outcome" role="status">
      <h2 className="triage-outcome__title">{view.title}</h2>
      <p className="triage-outcome__determinant">
        Determinant <code data-testid="triage-determinant">{view.determinant}</code>
      </p>
      {view.details.map((detail) => (
        <p key={detail}>{detail}</p>
      ))}
      {view.script && <p className="triage-outcome__script">“{view.script}”</p>}
      {view.fields.length > 0 && (
        <dl className="triage-outcome__fields">
          {view.fields.map((field) => (
            <div key={field.label}>
              <dt>{field.label}</dt>
              <dd>{field.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {view.mode === 'outcome' ? (
        <div className="form-actions">
          <button type="button" className="button button--primary" data-testid="triage-confirm" onClick={() => perform({ type: 'confirm' })}>
            {view.confirmLabel} <kbd>Enter</kbd>
          </button>
          <button type="button" className="button button--quiet" data-testid="triage-back" disabled={!view.canGoBack} onClick={() => perform({ type: 'back' })}>
            Back <kbd>Backspace</kbd>
          </button>
        </div>
      ) : (
        <p className="status-muted" data-testid="triage-finished">
          Triage finished in {view.elapsed}.
        </p>
      )}
    </div>
  );
}
