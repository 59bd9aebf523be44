// The triage screen's view-model: what each step shows, which key does what, Return to 911 on
// every step, and what the screen hands to the call panel. Plus a server render of the component
// to pin its test ids without a DOM.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { AnswerValue } from '../../../shared/triage/answers.js';
import { TriageRun } from '../../../shared/triage/runner.js';
import { TriageScreen } from '../../../renderer/triage/TriageScreen.js';
import {
  actionForKey,
  fieldLabel,
  initialAnswerText,
  performTriageAction,
  triageScreenView,
  type TriageKey,
  type TriageScreenView,
} from '../../../renderer/triage/triage-view.js';
import { libraryOf, manualClock, testProtocol } from '../shared/triage/fixtures.js';

const caller = { location: '1500 Market St', callbackNumber: '+1 215 555 0142' };
const serviceTypes = [{ code: 'abandoned-vehicle', name: 'Abandoned Vehicle' }];

function start(clock = manualClock()) {
  return TriageRun.start({ library: libraryOf([testProtocol()]), runId: 'run-1', callTakerId: 'demo-triage', clock });
}

function answered(values: AnswerValue[], run = start()): TriageRun {
  return values.reduce((current, value) => {
    const step = performTriageAction(current, { type: 'answer', value }, caller);
    if (step.error) throw new Error(step.error.code);
    return step.run;
  }, run);
}

const key = (view: TriageScreenView, pressed: string, extra: Partial<TriageKey> = {}) =>
  actionForKey(view, { key: pressed, target: 'none', text: '', modifiers: false, ...extra });

describe('triageScreenView', () => {
  it('shows a yes/no question with 1 = yes and 2 = no, and the elapsed time', () => {
    const clock = manualClock();
    const run = start(clock);
    clock.advance(65_000);
    const view = triageScreenView(run);
    expect(view).toMatchObject({ mode: 'question', prompt: 'Is anyone hurt?', kind: 'yes_no', input: null, elapsed: '1:05', canGoBack: false, canReturnTo911: true });
    expect(view.mode === 'question' && view.buttons).toEqual([
      { key: '1', label: 'Yes', value: true },
      { key: '2', label: 'No', value: false },
    ]);
  });

  it('numbers choices in order and gives typed questions an answer box', () => {
    const choice = triageScreenView(answered([false]));
    expect(choice.mode === 'question' && choice.buttons.map((button) => `${button.key}:${button.value}`)).toEqual(['1:cars', '2:other']);
    const number = triageScreenView(answered([false, 'cars']));
    expect(number).toMatchObject({ kind: 'number', buttons: [], input: { placeholder: '0–10', unit: 'cars', numeric: true } });
  });

  it('starts an address answer from the caller’s location, and nothing else', () => {
    expect(initialAnswerText(triageScreenView(answered([false, 'cars', 1, 'KJT4821', '08:00'])), ' 1500 Market St ')).toBe('1500 Market St');
    expect(initialAnswerText(triageScreenView(answered([false, 'cars', 1])), '1500 Market St')).toBe('');
  });

  it('describes a service request outcome with its type, department, priority, determinant and fields', () => {
    const view = triageScreenView(answered([false, 'cars', 2, 'kjt 4821', '08:00', '1500 Market St']), serviceTypes);
    expect(view).toMatchObject({
      mode: 'outcome',
      kind: 'service_request',
      title: 'Service request: Abandoned Vehicle',
      determinant: 'NE-TST-1',
      details: ['Police Department', 'Standard priority'],
      confirmLabel: 'Confirm outcome',
      canGoBack: true,
      canReturnTo911: true,
    });
    expect(view.mode !== 'question' && view.fields).toEqual([
      { label: 'Topic', value: 'cars' },
      { label: 'Car count', value: '2' },
      { label: 'Vehicle plate', value: 'KJT4821' },
      { label: 'Seen at', value: '08:00' },
      { label: 'Address', value: '1500 Market St' },
    ]);
    expect(fieldLabel('other_vehicle_plate')).toBe('Other vehicle plate');
  });
});

describe('keys', () => {
  it('answers yes/no with 1 and 2, choices with their number, and ignores other numbers', () => {
    const yesNo = triageScreenView(start());
    expect(key(yesNo, '1')).toEqual({ type: 'answer', value: true });
    expect(key(yesNo, '2')).toEqual({ type: 'answer', value: false });
    expect(key(yesNo, '3')).toBeNull();
    const choice = triageScreenView(answered([false]));
    expect(key(choice, '2')).toEqual({ type: 'answer', value: 'other' });
    expect(key(choice, '9')).toBeNull();
  });

  it('submits typed answers with Enter and leaves other keys to the answer box', () => {
    const view = triageScreenView(answered([false, 'cars']));
    expect(key(view, 'Enter', { target: 'answer', text: '4' })).toEqual({ type: 'answer', value: '4' });
    expect(key(view, '1', { target: 'answer', text: '' })).toBeNull();
    expect(key(view, 'Backspace', { target: 'answer', text: '4' })).toBeNull();
  });

  it('goes back with Backspace only when there is nothing to erase and somewhere to go', () => {
    const typed = triageScreenView(answered([false, 'cars']));
    expect(key(typed, 'Backspace', { target: 'answer', text: '' })).toEqual({ type: 'back' });
    expect(key(triageScreenView(answered([false])), 'Backspace')).toEqual({ type: 'back' });
    expect(key(triageScreenView(start()), 'Backspace')).toBeNull();
  });

  it('leaves keys typed into the location or callback fields, or with a modifier, alone', () => {
    const view = triageScreenView(start());
    for (const pressed of ['1', '2', 'Enter', 'Backspace']) {
      expect(key(view, pressed, { target: 'other-field' })).toBeNull();
      expect(key(view, pressed, { modifiers: true })).toBeNull();
    }
  });

  it('lets a focused button keep Enter but still answers number keys', () => {
    const outcome = triageScreenView(answered([false, 'cars', 9]));
    expect(key(outcome, 'Enter', { target: 'control' })).toBeNull();
    expect(key(triageScreenView(start()), '1', { target: 'control' })).toEqual({ type: 'answer', value: true });
  });

  it('confirms an outcome with Enter, goes back with Backspace, and does nothing once finished', () => {
    const outcome = triageScreenView(answered([false, 'cars', 9]));
    expect(key(outcome, 'Enter')).toEqual({ type: 'confirm' });
    expect(key(outcome, 'Backspace')).toEqual({ type: 'back' });
    const finished = triageScreenView(answered([false, 'cars', 9]).complete());
    expect(finished.mode).toBe('finished');
    expect(key(finished, 'Enter')).toBeNull();
    expect(key(finished, 'Backspace')).toBeNull();
  });
});

describe('Return to 911 and outcomes', () => {
  it('is offered on every step, and hands the escalated record over from any of them', () => {
    const path: AnswerValue[] = [false, 'cars', 2, 'KJT4821', '08:00', '1500 Market St'];
    for (let steps = 0; steps <= path.length; steps++) {
      const run = answered(path.slice(0, steps));
      expect(triageScreenView(run).canReturnTo911).toBe(true);
      const result = performTriageAction(run, { type: 'return_to_911' }, caller);
      expect(result.effect?.kind).toBe('return_to_911');
      expect(result.effect?.record).toMatchObject({ status: 'escalated', outcome: { determinant: 'ESC-911', escalated: true }, caller });
      expect(result.effect?.record.steps).toHaveLength(Math.min(steps + 1, path.length));
      expect(triageScreenView(result.run).canReturnTo911).toBe(false);
      // A second press hands nothing over twice.
      expect(performTriageAction(result.run, { type: 'return_to_911' }, caller).effect).toBeNull();
    }
  });

  it('hands a confirmed non-emergency outcome to onOutcome, and a protocol 911 branch to the transfer', () => {
    const request = performTriageAction(answered([false, 'other', 'Loud radio']), { type: 'confirm' }, caller);
    expect(request.effect).toMatchObject({ kind: 'outcome', record: { status: 'completed', fields: { note: 'Loud radio' }, outcome: { determinant: 'NE-TST-4' } } });
    expect(performTriageAction(request.run, { type: 'confirm' }, caller).effect).toBeNull();
    const emergency = triageScreenView(answered([true]));
    expect(emergency).toMatchObject({ mode: 'outcome', title: 'Return to 911', confirmLabel: 'Return to 911' });
    expect(performTriageAction(answered([true]), { type: 'confirm' }, caller).effect).toMatchObject({ kind: 'return_to_911', record: { outcome: { determinant: '911-TST-1', escalated: false } } });
    // The Return to 911 button on that screen confirms the protocol's outcome rather than replacing it.
    expect(performTriageAction(answered([true]), { type: 'return_to_911' }, caller).effect).toMatchObject({
      kind: 'return_to_911',
      record: { status: 'completed', outcome: { determinant: '911-TST-1', escalated: false } },
    });
  });

  it('keeps the run and shows the reason when an answer is refused', () => {
    const run = answered([false, 'cars']);
    const result = performTriageAction(run, { type: 'answer', value: '42' }, caller);
    expect(result.run).toBe(run);
    expect(result.error).toEqual({ code: 'OUT_OF_RANGE', message: 'Type a number 0 to 10 cars.' });
    expect(result.effect).toBeNull();
  });
});

describe('TriageScreen', () => {
  it('renders the question, numbered answers, caller details, timer and Return to 911', () => {
    const html = renderToStaticMarkup(
      createElement(TriageScreen, {
        library: libraryOf([testProtocol()]),
        runId: 'run-1',
        callTakerId: 'demo-triage',
        location: '1500 Market St',
        callbackNumber: '+1 215 555 0142',
        onLocationChange: vi.fn(),
        onCallbackNumberChange: vi.fn(),
        onReturnTo911: vi.fn(),
        onOutcome: vi.fn(),
        clock: manualClock(),
      }),
    );
    expect(html).toMatch(/data-testid="triage-question"[^>]*>Is anyone hurt\?</);
    expect(html).toMatch(/data-testid="triage-answer-1"[^>]*><kbd>1<\/kbd> Yes</);
    expect(html).toMatch(/data-testid="triage-answer-2"[^>]*><kbd>2<\/kbd> No</);
    expect(html).toMatch(/data-testid="triage-return-911"[^>]*>Return to 911</);
    expect(html).toMatch(/data-testid="triage-location"[^>]*value="1500 Market St"/);
    expect(html).toMatch(/data-testid="triage-callback"[^>]*value="\+1 215 555 0142"/);
    expect(html).toMatch(/data-testid="triage-elapsed"[^>]*>0:00</);
    expect(html).not.toContain('triage-outcome');
  });
});
