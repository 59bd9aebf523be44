// A small protocol that uses every question kind and outcome kind, a catalogue for it, and a
// clock the tests move by hand.
import type { TriageProtocolDocument } from '../../../../shared/triage/protocol.js';
import { validateProtocolSet, type ProtocolLibrary, type ServiceTypeCatalogue } from '../../../../shared/triage/validate.js';

export const catalogue: ServiceTypeCatalogue = [
  { code: 'illegal-dumping', agency: 'Streets Department', active: true },
  { code: 'abandoned-vehicle', agency: 'Police Department', active: true },
  { code: 'salting', agency: 'Streets Department', active: false },
];

export function testProtocol(): TriageProtocolDocument {
  return {
    schemaVersion: 1,
    id: 'test-protocol',
    version: 1,
    title: 'Test protocol',
    summary: 'Every question kind and every outcome kind.',
    effectiveFrom: '2026-12-01T00:00:00Z',
    start: 'hurt',
    nodes: [
      { id: 'hurt', kind: 'yes_no', prompt: 'Is anyone hurt?', yes: 'back_to_911', no: 'topic' },
      {
        id: 'topic',
        kind: 'choice',
        prompt: 'Which topic?',
        field: 'topic',
        options: [
          { value: 'cars', label: 'Cars', next: 'count' },
          { value: 'other', label: 'Something else', next: 'note' },
        ],
      },
      {
        id: 'count',
        kind: 'number',
        prompt: 'How many cars?',
        field: 'car_count',
        min: 0,
        max: 10,
        integer: true,
        unit: 'cars',
        branches: [{ when: { op: 'gt', value: 5 }, next: 'many_cars' }],
        next: 'plate',
      },
      { id: 'plate', kind: 'plate', prompt: 'What is the plate?', field: 'vehicle_plate', next: 'seen_at' },
      {
        id: 'seen_at',
        kind: 'time',
        prompt: 'When did you see it?',
        field: 'seen_at',
        branches: [{ when: { op: 'gte', value: '22:00' }, next: 'late_request' }],
        next: 'address',
      },
      { id: 'address', kind: 'address', prompt: 'Where is it?', field: 'address', next: 'vehicle_request' },
      { id: 'note', kind: 'free_text', prompt: 'Tell me more.', field: 'note', maxLength: 20, next: 'info' },
      { id: 'back_to_911', kind: 'return_to_911', determinant: '911-TST-1' },
      { id: 'many_cars', kind: 'police_report', determinant: 'NE-TST-2' },
      {
        id: 'late_request',
        kind: 'service_request',
        determinant: 'NE-TST-3',
        serviceTypeCode: 'abandoned-vehicle',
        department: 'Police Department',
        priority: 'high',
        requiredFields: ['vehicle_plate', 'seen_at'],
      },
      {
        id: 'vehicle_request',
        kind: 'service_request',
        determinant: 'NE-TST-1',
        serviceTypeCode: 'abandoned-vehicle',
        department: 'Police Department',
        priority: 'standard',
        requiredFields: ['address', 'vehicle_plate'],
      },
      { id: 'info', kind: 'information', determinant: 'NE-TST-4', articleId: 'kb-test', text: 'Here is what to do.' },
    ],
  };
}

export function libraryOf(documents: TriageProtocolDocument[], entry = documents[0]!.id): ProtocolLibrary {
  const check = validateProtocolSet(documents, catalogue, entry);
  if (!check.ok) throw new Error(`fixture protocols are invalid: ${JSON.stringify(check.errors)}`);
  return check.library;
}

/** A clock that stands still until a test moves it. */
export function manualClock(start = Date.parse('2026-12-01T23:00:00.000Z')) {
  let now = start;
  const clock = () => now;
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms;
    },
  });
}

export const at = (ms: number) => new Date(ms).toISOString();
