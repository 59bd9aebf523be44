// The starter protocols: each one validates against the real Philly311 catalogue, random walks
// through every one end in a valid outcome with its required fields captured, and every yes on
// the safety screen returns the call to 911.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadServiceTypes } from '../../../../server/demo-data/reference-data.js';
import type { AnswerValue } from '../../../../shared/triage/answers.js';
import { OutcomeNodeSchema, type QuestionNode } from '../../../../shared/triage/protocol.js';
import { TriageRecordSchema } from '../../../../shared/triage/record.js';
import { TriageRun } from '../../../../shared/triage/runner.js';
import { SAFETY_SCREEN_ID, STARTER_PROTOCOLS, loadStarterProtocols } from '../../../../shared/triage/starter/index.js';
import { validateProtocol, validateProtocolSet } from '../../../../shared/triage/validate.js';

const catalogue = loadServiceTypes();
const check = loadStarterProtocols(catalogue);
if (!check.ok) throw new Error(`starter protocols are invalid: ${JSON.stringify(check.errors, null, 2)}`);
const library = check.library;

/** A library whose entry is the given protocol, so a walk can start anywhere in the set. */
const libraryFrom = (id: string) => {
  const set = validateProtocolSet(STARTER_PROTOCOLS, catalogue, id);
  if (!set.ok) throw new Error(id);
  return set.library;
};

const STREETS = ['Market St', 'Broad St', 'Federal St', 'Girard Ave', 'Passyunk Ave'];

/** A valid answer of the question's kind, chosen by a random number from the tape. */
function validAnswer(node: QuestionNode, roll: number): AnswerValue {
  switch (node.kind) {
    case 'yes_no':
      return roll % 2 === 0;
    case 'choice':
      return node.options[roll % node.options.length]!.value;
    case 'number': {
      const min = Math.ceil(node.min ?? 0);
      const max = Math.floor(node.max ?? min + 1000);
      return min + (roll % (max - min + 1));
    }
    case 'free_text':
      return 'Caller says '.concat('x'.repeat(roll % 40)).slice(0, node.maxLength);
    case 'address':
      return `${(roll % 4000) + 1} ${STREETS[roll % STREETS.length]}`;
    case 'plate':
      return `${String.fromCharCode(65 + (roll % 26))}${String.fromCharCode(65 + ((roll >> 5) % 26))}${roll % 10000}`;
    case 'time':
      return `${roll % 24}:${String(roll % 60).padStart(2, '0')}`;
  }
}

/** Something no question of the kind accepts. */
function invalidAnswer(node: QuestionNode): AnswerValue {
  switch (node.kind) {
    case 'yes_no':
      return 'perhaps';
    case 'choice':
      return 'not_an_option';
    case 'number':
      return 'many';
    case 'free_text':
      return ' ';
    case 'address':
      return '1';
    case 'plate':
      return '#';
    case 'time':
      return '99:99';
  }
}

type Walk = { run: TriageRun; refusedBadAnswers: number };

/** Answers (and sometimes undoes, or tries a bad answer) by the tape until an outcome. */
function walk(start: TriageRun, tape: number[]): Walk {
  let run = start;
  let refusedBadAnswers = 0;
  for (let turn = 0; run.status === 'asking'; turn++) {
    if (turn > 500) throw new Error('walk did not end');
    const roll = tape[turn % tape.length]! + turn;
    const question = run.question!;
    if (roll % 7 === 0 && run.canGoBack) {
      run = run.back();
      continue;
    }
    if (roll % 11 === 0) {
      const refused = run.answer(invalidAnswer(question.node));
      expect(refused.ok).toBe(false);
      refusedBadAnswers++;
    }
    const result = run.answer(validAnswer(question.node, roll));
    if (!result.ok) throw new Error(`valid answer refused at ${question.node.id}: ${result.error.code}`);
    run = result.run;
  }
  return { run, refusedBadAnswers };
}

describe('starter protocols', () => {
  it('cover the safety screen, the chooser and every required topic', () => {
    expect(STARTER_PROTOCOLS.map((protocol) => protocol.id)).toEqual([
      'safety-screen',
      'topic-chooser',
      'noise',
      'abandoned-vehicle',
      'illegal-parking',
      'illegal-dumping',
      'open-hydrant',
      'light-or-signal-out',
      'traffic-accident',
      'lost-property',
      'animal',
      'suspicious-condition',
    ]);
    expect(library.entry).toBe(SAFETY_SCREEN_ID);
  });

  it.each(STARTER_PROTOCOLS.map((protocol) => [protocol.id, protocol] as const))('%s validates on its own against the Philly311 catalogue', (_id, protocol) => {
    expect(validateProtocol(protocol, catalogue).errors).toEqual([]);
  });

  it('open only service types the catalogue routes to the named department', () => {
    const requests = [...library.protocols.values()].flatMap((protocol) => protocol.nodes).filter((node) => node.kind === 'service_request');
    expect(requests.length).toBeGreaterThan(10);
    for (const request of requests) {
      expect(catalogue.find((type) => type.code === request.serviceTypeCode)?.agency).toBe(request.department);
    }
    // Taking the Police Department out of the catalogue breaks the abandoned-vehicle protocol.
    const withoutPolice = catalogue.filter((type) => type.agency !== 'Police Department');
    expect(validateProtocol(STARTER_PROTOCOLS.find((p) => p.id === 'abandoned-vehicle'), withoutPolice).errors.map((error) => error.code)).toContain('UNKNOWN_SERVICE_TYPE');
  });

  it.each([...library.protocols.keys()])('random walks through %s end in a valid outcome with every required field captured', (id) => {
    const from = libraryFrom(id);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 40 }), (tape) => {
        const { run } = walk(TriageRun.start({ library: from, runId: 'walk', callTakerId: 'demo-triage' }), tape);
        expect(run.status).toBe('outcome');
        const outcome = run.outcome!;
        expect(OutcomeNodeSchema.safeParse(outcome.node).success).toBe(true);
        const fields = run.capturedFields();
        if (outcome.node.kind === 'service_request') {
          for (const field of outcome.node.requiredFields) expect(fields).toHaveProperty(field);
        }
        const record = run.complete().record({ location: '1500 Market St', callbackNumber: '+12155550142' });
        expect(TriageRecordSchema.safeParse(record).success).toBe(true);
        // The captured fields are exactly the answers that still count.
        const counted = record.steps.filter((step) => step.supersededAt === null && step.answer && step.field);
        expect(Object.keys(record.fields).sort()).toEqual([...new Set(counted.map((step) => step.field!))].sort());
      }),
      { numRuns: 60, seed: 311 },
    );
  });

  it('refuses bad answers along random walks without changing the run', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1_000_000 }), { minLength: 5, maxLength: 40 }), (tape) => {
        refused += walk(TriageRun.start({ library, runId: 'walk', callTakerId: 'demo-triage' }), tape).refusedBadAnswers;
      }),
      { numRuns: 100, seed: 911 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('returns to 911 whenever a safety-screen question was answered yes, on every random walk', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 40 }), (tape) => {
        const { run } = walk(TriageRun.start({ library, runId: 'walk', callTakerId: 'demo-triage' }), tape);
        const safetyYes = run
          .record()
          .steps.some((step) => step.protocolId === SAFETY_SCREEN_ID && step.supersededAt === null && step.answer?.value === true);
        if (safetyYes) expect(run.outcome?.node.kind).toBe('return_to_911');
        else expect(run.record().protocols.map((protocol) => protocol.id)).toContain('topic-chooser');
      }),
      { numRuns: 200, seed: 112 },
    );
  });

  it('returns to 911 for a yes to each safety question, whatever came before', () => {
    const questions = library.protocols.get(SAFETY_SCREEN_ID)!.nodes.filter((node) => node.kind === 'yes_no');
    expect(questions).toHaveLength(4);
    questions.forEach((question, index) => {
      let run = TriageRun.start({ library, runId: 'screen', callTakerId: 'demo-triage' });
      for (let no = 0; no < index; no++) run = (run.answer(false) as { ok: true; run: TriageRun }).run;
      expect(run.question?.node.id).toBe(question.id);
      const yes = run.answer(true);
      expect(yes.ok && yes.run.outcome?.node.kind).toBe('return_to_911');
    });
  });
});

describe('starter protocols, case by case', () => {
  const answers = (run: TriageRun, values: AnswerValue[]) =>
    values.reduce((current, value) => {
      const result = current.answer(value);
      if (!result.ok) throw new Error(`${current.question?.node.id}: ${result.error.code}`);
      return result.run;
    }, run);
  const safe = [false, false, false, false];
  const start = () => TriageRun.start({ library, runId: 'case', callTakerId: 'demo-triage' });

  it('keeps an open hydrant with children near traffic non-emergency, but urgent', () => {
    const run = answers(start(), [...safe, 'neighborhood', 'hydrant', false, '2200 Federal St', true]);
    expect(run.outcome?.node).toMatchObject({ kind: 'service_request', serviceTypeCode: 'hydrant-request', priority: 'urgent', department: 'Water Department (PWD)' });
  });

  it('sends a crash with anyone hurt back to 911', () => {
    const run = answers(start(), [...safe, 'vehicles', 'crash', true]);
    expect(run.outcome).toMatchObject({ determinant: '911-MVA-1', node: { kind: 'return_to_911' } });
  });

  it('reports an abandoned vehicle with its plate as NE-ABV-1 and without as NE-ABV-2', () => {
    const before = [...safe, 'vehicles', 'abandoned_vehicle', false, 6, '1500 Market St', 'Grey Ford Focus'];
    expect(answers(start(), [...before, true, 'kjt 4821']).record().fields).toMatchObject({ vehicle_plate: 'KJT4821' });
    expect(answers(start(), [...before, true, 'kjt 4821']).outcome?.determinant).toBe('NE-ABV-1');
    expect(answers(start(), [...before, false]).outcome?.determinant).toBe('NE-ABV-2');
  });

  it('uses every kind of outcome somewhere in the set', () => {
    const kinds = new Set([...library.protocols.values()].flatMap((protocol) => protocol.nodes.map((node) => node.kind)));
    for (const kind of OutcomeNodeSchema.options.map((option) => option.shape.kind.value)) expect(kinds).toContain(kind);
    const run = answers(start(), [...safe, 'neighborhood', 'suspicious', false, 'fire_hazard', '40 N 2nd St']);
    expect(run.outcome).toMatchObject({ determinant: 'NE-SUS-5', node: { kind: 'fire_non_emergency' } });
  });

  it('routes construction noise after 8 pm as high priority to License & Inspections', () => {
    const run = answers(start(), [...safe, 'neighborhood', 'noise', 'construction', '900 N Broad St', '9:30 pm']);
    expect(run.outcome?.node).toMatchObject({ serviceTypeCode: 'construction-complaints', priority: 'high', department: 'License & Inspections' });
  });
});
