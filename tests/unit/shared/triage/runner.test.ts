// The triage runner: answers checked per question kind, back keeps what was undone, Return to 911
// from any step, the record's content and order, and the version pinned at the start.
import { describe, expect, it } from 'vitest';
import { parseClockTime, type AnswerValue } from '../../../../shared/triage/answers.js';
import { QuestionKindSchema, QuestionNodeSchema } from '../../../../shared/triage/protocol.js';
import { TriageRecordSchema } from '../../../../shared/triage/record.js';
import { ESCALATION_OUTCOME, TriageRun, TriageRunError } from '../../../../shared/triage/runner.js';
import { at, libraryOf, manualClock, testProtocol } from './fixtures.js';

function startRun(clock = manualClock()) {
  return TriageRun.start({ library: libraryOf([testProtocol()]), runId: 'run-1', callTakerId: 'demo-triage', callSid: 'CA0123', clock });
}

function answerAll(run: TriageRun, answers: AnswerValue[], clock?: ReturnType<typeof manualClock>): TriageRun {
  let current = run;
  for (const value of answers) {
    clock?.advance(1_000);
    const result = current.answer(value);
    if (!result.ok) throw new Error(`refused ${String(value)}: ${result.error.code}`);
    current = result.run;
  }
  return current;
}

const toVehicleRequest: AnswerValue[] = [false, 'cars', 2, 'abc 123', '9:15 pm', '1500 Market St'];

describe('answering', () => {
  it('starts at the protocol start and follows each kind of answer to its outcome', () => {
    const run = startRun();
    expect(run.status).toBe('asking');
    expect(run.question?.node.id).toBe('hurt');
    expect(run.canGoBack).toBe(false);
    const done = answerAll(run, toVehicleRequest);
    expect(done.status).toBe('outcome');
    expect(done.outcome).toMatchObject({ protocolId: 'test-protocol', protocolVersion: 1, determinant: 'NE-TST-1', escalated: false });
    expect(done.outcome?.node.id).toBe('vehicle_request');
    // Answers are stored in one normal form: the plate upper-cased, the time on a 24-hour clock.
    expect(done.capturedFields()).toEqual({ topic: 'cars', car_count: 2, vehicle_plate: 'ABC123', seen_at: '21:15', address: '1500 Market St' });
    // The run it came from is untouched.
    expect(run.question?.node.id).toBe('hurt');
  });

  it('takes conditional branches in order, else the default', () => {
    expect(answerAll(startRun(), [false, 'cars', 6]).outcome?.determinant).toBe('NE-TST-2');
    expect(answerAll(startRun(), [false, 'cars', '5']).question?.node.id).toBe('plate');
    expect(answerAll(startRun(), [false, 'cars', 1, 'KJT4821', '22:00']).outcome?.determinant).toBe('NE-TST-3');
    expect(answerAll(startRun(), [false, 'other', 'A blue sedan']).outcome?.node.kind).toBe('information');
  });

  it.each([
    ['yes_no', [], 'maybe', 'NOT_YES_OR_NO'],
    ['choice', [false], 'boats', 'NOT_AN_OPTION'],
    ['number', [false, 'cars'], 'lots', 'NOT_A_NUMBER'],
    ['number', [false, 'cars'], 11, 'OUT_OF_RANGE'],
    ['number', [false, 'cars'], '2.5', 'NOT_WHOLE'],
    ['plate', [false, 'cars', 2], 'ABC-12345-X', 'INVALID_PLATE'],
    ['time', [false, 'cars', 2, 'KJT4821'], '25:10', 'INVALID_TIME'],
    ['time', [false, 'cars', 2, 'KJT4821'], '13:00 pm', 'INVALID_TIME'],
    ['address', [false, 'cars', 2, 'KJT4821', '08:00'], '12', 'INVALID_ADDRESS'],
    ['free_text', [false, 'other'], 'x'.repeat(21), 'TOO_LONG'],
    ['free_text', [false, 'other'], '   ', 'EMPTY_ANSWER'],
  ] as const)('refuses a bad %s answer with %s', (kind, before, bad, code) => {
    const run = answerAll(startRun(), [...before]);
    expect(run.question?.node.kind).toBe(kind);
    const result = run.answer(bad);
    expect(result).toEqual({ ok: false, error: { code, message: expect.any(String) } });
    // Nothing is recorded for a refused answer.
    expect(run.record().steps.at(-1)?.answer).toBeNull();
  });

  it('refuses to answer once an outcome is reached', () => {
    const done = answerAll(startRun(), [true]);
    expect(done.answer(true)).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_ASKING' }) });
  });
});

describe('back', () => {
  it('asks the previous question again and keeps the undone answer, superseded', () => {
    const clock = manualClock();
    const start = clock();
    let run = answerAll(startRun(clock), [false, 'cars'], clock);
    expect(run.question?.node.id).toBe('count');
    clock.advance(5_000);
    run = run.back();
    expect(run.question?.node.id).toBe('topic');
    expect(run.capturedFields()).toEqual({});
    run = answerAll(run, ['other', 'Loud radio'], clock);
    const record = run.record();
    expect(record.steps.map((step) => [step.nodeId, step.answer?.value ?? null, step.supersededAt])).toEqual([
      ['hurt', false, null],
      ['topic', 'cars', at(start + 7_000)],
      ['count', null, at(start + 7_000)],
      ['topic', 'other', null],
      ['note', 'Loud radio', null],
    ]);
    expect(record.fields).toEqual({ topic: 'other', note: 'Loud radio' });
    expect(record.steps[3]!.shownAt).toBe(at(start + 7_000));
  });

  it('goes back from a reached outcome to the question that led there', () => {
    const run = answerAll(startRun(), [false, 'cars', 9]);
    expect(run.status).toBe('outcome');
    const back = run.back();
    expect(back.status).toBe('asking');
    expect(back.outcome).toBeNull();
    expect(back.question?.node.id).toBe('count');
    expect(back.record().steps.filter((step) => step.nodeId === 'count').map((step) => step.supersededAt === null)).toEqual([false, true]);
  });

  it('cannot go back from the first question or a finished run', () => {
    expect(() => startRun().back()).toThrow(TriageRunError);
    expect(() => answerAll(startRun(), [true]).complete().back()).toThrow(expect.objectContaining({ code: 'CANNOT_GO_BACK' }));
  });
});

describe('Return to 911', () => {
  it('escalates from every step of a path, keeping what was answered', () => {
    let run = startRun();
    for (const value of toVehicleRequest) {
      const escalated = run.escalate();
      expect(escalated.status).toBe('escalated');
      expect(escalated.isFinished).toBe(true);
      expect(escalated.outcome).toMatchObject({ node: ESCALATION_OUTCOME, determinant: 'ESC-911', escalated: true, protocolId: 'test-protocol' });
      expect(escalated.record().fields).toEqual(run.capturedFields());
      expect(escalated.question).toBeNull();
      const result = run.answer(value);
      if (!result.ok) throw new Error(result.error.code);
      run = result.run;
    }
    // From the outcome screen too, before it is confirmed.
    expect(run.status).toBe('outcome');
    expect(run.escalate().outcome?.escalated).toBe(true);
    expect(() => run.complete().escalate()).toThrow(expect.objectContaining({ code: 'ALREADY_FINISHED' }));
  });

  it('records a protocol branch to 911 as an outcome, not as an escalation', () => {
    const run = answerAll(startRun(), [true]);
    expect(run.outcome).toMatchObject({ determinant: '911-TST-1', escalated: false });
    expect(run.outcome?.node.kind).toBe('return_to_911');
  });
});

describe('the record', () => {
  it('lists each question shown with its prompt, answer and times, in order, and the outcome', () => {
    const clock = manualClock();
    const start = clock();
    const run = answerAll(startRun(clock), [false, 'other', 'Loud radio'], clock);
    clock.advance(4_000);
    const done = run.complete();
    clock.advance(60_000);
    const record = done.record({ location: ' 1500 Market St ', callbackNumber: '' });
    expect(record).toEqual({
      schemaVersion: 1,
      runId: 'run-1',
      callSid: 'CA0123',
      callTakerId: 'demo-triage',
      protocols: [{ id: 'test-protocol', version: 1 }],
      status: 'completed',
      startedAt: at(start),
      endedAt: at(start + 7_000),
      elapsedMs: 7_000,
      steps: [
        { protocolId: 'test-protocol', protocolVersion: 1, nodeId: 'hurt', kind: 'yes_no', prompt: 'Is anyone hurt?', field: null, shownAt: at(start), answer: { value: false, display: 'No', answeredAt: at(start + 1_000) }, supersededAt: null },
        { protocolId: 'test-protocol', protocolVersion: 1, nodeId: 'topic', kind: 'choice', prompt: 'Which topic?', field: 'topic', shownAt: at(start + 1_000), answer: { value: 'other', display: 'Something else', answeredAt: at(start + 2_000) }, supersededAt: null },
        { protocolId: 'test-protocol', protocolVersion: 1, nodeId: 'note', kind: 'free_text', prompt: 'Tell me more.', field: 'note', shownAt: at(start + 2_000), answer: { value: 'Loud radio', display: 'Loud radio', answeredAt: at(start + 3_000) }, supersededAt: null },
      ],
      outcome: {
        protocolId: 'test-protocol',
        protocolVersion: 1,
        node: { id: 'info', kind: 'information', determinant: 'NE-TST-4', articleId: 'kb-test', text: 'Here is what to do.' },
        determinant: 'NE-TST-4',
        escalated: false,
        reachedAt: at(start + 3_000),
      },
      fields: { topic: 'other', note: 'Loud radio' },
      caller: { location: '1500 Market St', callbackNumber: null },
    });
    // Plain JSON that its own schema accepts: ready to travel as a mutation.
    expect(TriageRecordSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });

  it('measures elapsed time on the injected clock and stops it at the end', () => {
    const clock = manualClock();
    const run = startRun(clock);
    clock.advance(42_000);
    expect(run.elapsedMs()).toBe(42_000);
    const escalated = run.escalate();
    clock.advance(10_000);
    expect(escalated.elapsedMs()).toBe(42_000);
    expect(escalated.record().endedAt).toBe(at(clock() - 10_000));
  });

  it('names every protocol a run went through, in order', () => {
    const screen = { ...testProtocol(), id: 'screen', version: 3, start: 'ok', nodes: [
      { id: 'ok', kind: 'yes_no' as const, prompt: 'All safe?', yes: 'go_on', no: 'stop' },
      { id: 'go_on', kind: 'continue' as const, protocolId: 'test-protocol' },
      { id: 'stop', kind: 'return_to_911' as const, determinant: '911-TST-9' },
    ] };
    const library = libraryOf([screen, testProtocol()], 'screen');
    let run = TriageRun.start({ library, runId: 'run-2', callTakerId: 'demo-triage' });
    run = answerAll(run, [true, false, 'other']);
    expect(run.question?.protocol.id).toBe('test-protocol');
    expect(run.record().protocols).toEqual([{ id: 'screen', version: 3 }, { id: 'test-protocol', version: 1 }]);
    expect(run.record().steps.map((step) => `${step.protocolId}/${step.nodeId}`)).toEqual(['screen/ok', 'test-protocol/hurt', 'test-protocol/topic', 'test-protocol/note']);
  });
});

describe('pinned version', () => {
  it('keeps the version it started with after a newer one is published', () => {
    const v1 = libraryOf([testProtocol()]);
    let run = TriageRun.start({ library: v1, runId: 'run-3', callTakerId: 'demo-triage' });
    run = answerAll(run, [false]);
    const v2Document = testProtocol();
    v2Document.version = 2;
    (v2Document.nodes[1] as { prompt: string }).prompt = 'What is the call about?';
    const v2 = libraryOf([v2Document]);
    expect(v2.protocols.get('test-protocol')?.version).toBe(2);
    run = answerAll(run, ['cars']);
    const record = run.record();
    expect(record.protocols).toEqual([{ id: 'test-protocol', version: 1 }]);
    expect(record.steps[1]).toMatchObject({ prompt: 'Which topic?', protocolVersion: 1 });
    // And nobody can edit the validated version under the run.
    expect(() => {
      (v1.protocols.get('test-protocol')!.nodes[1] as { prompt: string }).prompt = 'Changed';
    }).toThrow(TypeError);
  });
});

describe('answer forms', () => {
  it('reads times the way callers say them, on a 24-hour clock', () => {
    expect(parseClockTime('12:05 am')).toBe('00:05');
    expect(parseClockTime('12 pm')).toBe('12:00');
    expect(parseClockTime('9 p.m.')).toBe('21:00');
    expect(parseClockTime('07:30')).toBe('07:30');
    expect(parseClockTime('7')).toBeNull();
    expect(parseClockTime('0 am')).toBeNull();
    expect(parseClockTime('10:75')).toBeNull();
  });

  it('records the same question kinds the protocol schema defines', () => {
    expect([...QuestionKindSchema.options].sort()).toEqual(QuestionNodeSchema.options.map((option) => option.shape.kind.value).sort());
  });
});
