// The triage screen's logic without a DOM: what the screen shows for a run, which action a key
// press means, and what performing an action does to the run and tells the call panel.
import type { AnswerError, AnswerValue } from '../../shared/triage/answers.js';
import type { OutcomeNode, Priority, QuestionKind } from '../../shared/triage/protocol.js';
import type { TriageRecord } from '../../shared/triage/record.js';
import type { TriageRun } from '../../shared/triage/runner.js';
import { formatDuration } from '../app/format.js';

export type AnswerButton = { key: string; label: string; value: AnswerValue };

export type TypedInput = { placeholder: string; unit: string | null; numeric: boolean; maxLength: number };

export type QuestionView = {
  mode: 'question';
  protocolTitle: string;
  prompt: string;
  help: string | null;
  kind: QuestionKind;
  /** Yes/no and choice questions: one button per answer, keyed 1, 2, 3… */
  buttons: AnswerButton[];
  /** Typed questions: the answer box. */
  input: TypedInput | null;
  /** Identifies the question on screen, so the answer box is reset when it changes. */
  stepKey: string;
};

export type OutcomeView = {
  mode: 'outcome' | 'finished';
  kind: OutcomeNode['kind'];
  title: string;
  determinant: string;
  details: string[];
  script: string | null;
  fields: Array<{ label: string; value: string }>;
  confirmLabel: string;
  escalated: boolean;
};

export type TriageScreenView = (QuestionView | OutcomeView) & {
  elapsed: string;
  canGoBack: boolean;
  /** Return to 911 is offered on every step until the run is over. */
  canReturnTo911: boolean;
};

export type ServiceTypeNames = ReadonlyArray<{ code: string; name: string }>;

const PRIORITY_LABELS: Record<Priority, string> = { standard: 'Standard priority', high: 'High priority', urgent: 'Urgent' };

/** "vehicle_plate" → "Vehicle plate". */
export function fieldLabel(field: string): string {
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatValue(value: AnswerValue): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

function typedInput(node: NonNullable<TriageRun['question']>['node']): TypedInput | null {
  switch (node.kind) {
    case 'number': {
      const range = node.min !== undefined && node.max !== undefined ? `${node.min}–${node.max}` : 'A number';
      return { placeholder: range, unit: node.unit ?? null, numeric: true, maxLength: 12 };
    }
    case 'free_text':
      return { placeholder: 'In the caller’s words', unit: null, numeric: false, maxLength: node.maxLength };
    case 'address':
      return { placeholder: 'House number and street, or the nearest corner', unit: null, numeric: false, maxLength: 300 };
    case 'plate':
      return { placeholder: 'e.g. KJT4821', unit: null, numeric: false, maxLength: 10 };
    case 'time':
      return { placeholder: 'e.g. 22:30 or 10:30 pm', unit: null, numeric: false, maxLength: 10 };
    default:
      return null;
  }
}

function outcomeTitle(node: OutcomeNode, serviceTypes: ServiceTypeNames): { title: string; details: string[] } {
  switch (node.kind) {
    case 'return_to_911':
      return { title: 'Return to 911', details: ['This is an emergency: transfer the caller back to 911.'] };
    case 'police_report':
      return { title: 'Police report, non-emergency', details: [] };
    case 'fire_non_emergency':
      return { title: 'Fire Department, non-emergency', details: [] };
    case 'service_request': {
      const name = serviceTypes.find((type) => type.code === node.serviceTypeCode)?.name ?? node.serviceTypeCode;
      return { title: `Service request: ${name}`, details: [node.department, PRIORITY_LABELS[node.priority]] };
    }
    case 'information':
      return { title: 'Information only', details: [node.text] };
  }
}

export function triageScreenView(run: TriageRun, serviceTypes: ServiceTypeNames = []): TriageScreenView {
  const common = { elapsed: formatDuration(run.elapsedMs()), canGoBack: run.canGoBack, canReturnTo911: !run.isFinished };
  const current = run.question;
  if (current) {
    const { node, step, protocol } = current;
    const buttons: AnswerButton[] =
      node.kind === 'yes_no'
        ? [
            { key: '1', label: 'Yes', value: true },
            { key: '2', label: 'No', value: false },
          ]
        : node.kind === 'choice'
          ? node.options.map((option, index) => ({ key: String(index + 1), label: option.label, value: option.value }))
          : [];
    return {
      ...common,
      mode: 'question',
      protocolTitle: protocol.title,
      prompt: step.prompt,
      help: node.help ?? null,
      kind: node.kind,
      buttons,
      input: typedInput(node),
      stepKey: `${step.protocolId}:${step.nodeId}:${step.shownAt}`,
    };
  }
  const outcome = run.outcome!;
  const { title, details } = outcomeTitle(outcome.node, serviceTypes);
  return {
    ...common,
    mode: run.isFinished ? 'finished' : 'outcome',
    kind: outcome.node.kind,
    title: outcome.escalated ? 'Returned to 911 by the call-taker' : title,
    determinant: outcome.determinant,
    details: outcome.escalated ? [] : details,
    script: outcome.node.script ?? null,
    fields: Object.entries(run.capturedFields()).map(([field, value]) => ({ label: fieldLabel(field), value: formatValue(value) })),
    confirmLabel: outcome.node.kind === 'return_to_911' ? 'Return to 911' : 'Confirm outcome',
    escalated: outcome.escalated,
  };
}

/** The answer box's starting text: an address question starts from the caller's location. */
export function initialAnswerText(view: TriageScreenView, location: string): string {
  return view.mode === 'question' && view.kind === 'address' ? location.trim() : '';
}

export type TriageAction = { type: 'answer'; value: AnswerValue } | { type: 'back' } | { type: 'confirm' } | { type: 'return_to_911' };

export type TriageKey = {
  key: string;
  /**
   * Where the key was pressed: the triage answer box, another field (location, callback), a
   * button (which keeps Enter and Space for itself), or anywhere else on the screen.
   */
  target: 'answer' | 'other-field' | 'control' | 'none';
  /** The answer box's text, when the key was pressed there. */
  text: string;
  modifiers: boolean;
};

/**
 * Keys: 1–9 answer yes/no (1 = yes, 2 = no) and choices; Enter submits a typed answer or confirms
 * the outcome; Backspace goes back when there is nothing to erase. Keys typed into the caller's
 * location or callback number are theirs alone.
 */
export function actionForKey(view: TriageScreenView, { key, target, text, modifiers }: TriageKey): TriageAction | null {
  if (modifiers || target === 'other-field') return null;
  if (target === 'control' && (key === 'Enter' || key === ' ')) return null;
  const back: TriageAction | null = view.canGoBack ? { type: 'back' } : null;
  if (view.mode !== 'question') {
    if (view.mode === 'finished') return null;
    if (key === 'Enter') return { type: 'confirm' };
    return key === 'Backspace' ? back : null;
  }
  if (view.input) {
    if (target !== 'answer') return key === 'Backspace' ? back : null;
    if (key === 'Enter') return { type: 'answer', value: text };
    return key === 'Backspace' && text === '' ? back : null;
  }
  const button = view.buttons.find((candidate) => candidate.key === key);
  if (button) return { type: 'answer', value: button.value };
  return key === 'Backspace' ? back : null;
}

/** What the screen tells the call panel: the finished record, and whether to transfer back to 911. */
export type TriageEffect = { kind: 'outcome' | 'return_to_911'; record: TriageRecord };

export type TriageTransition = { run: TriageRun; error: AnswerError | null; effect: TriageEffect | null };

export type CallerDetails = { location: string; callbackNumber: string };

export function performTriageAction(run: TriageRun, action: TriageAction, caller: CallerDetails): TriageTransition {
  switch (action.type) {
    case 'answer': {
      const result = run.answer(action.value);
      return result.ok ? { run: result.run, error: null, effect: null } : { run, error: result.error, effect: null };
    }
    case 'back':
      return { run: run.canGoBack ? run.back() : run, error: null, effect: null };
    case 'confirm': {
      if (run.status !== 'outcome') return { run, error: null, effect: null };
      const done = run.complete();
      const kind = done.outcome?.node.kind === 'return_to_911' ? 'return_to_911' : 'outcome';
      return { run: done, error: null, effect: { kind, record: done.record(caller) } };
    }
    case 'return_to_911': {
      if (run.isFinished) return { run, error: null, effect: null };
      // Already at a protocol's own return to 911: confirm it, keeping its determinant for reports.
      if (run.status === 'outcome' && run.outcome?.node.kind === 'return_to_911') return performTriageAction(run, { type: 'confirm' }, caller);
      const escalated = run.escalate();
      return { run: escalated, error: null, effect: { kind: 'return_to_911', record: escalated.record(caller) } };
    }
  }
}
