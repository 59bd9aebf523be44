// A blocked driveway or a car at a hydrant is for the police now; a parking problem that keeps
// happening is a Streets Department traffic request.
import type { TriageProtocolDocument } from '../protocol.js';

export const illegalParking: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'illegal-parking',
  version: 1,
  title: 'Blocked driveway or illegal parking',
  summary: 'Cars blocking driveways or hydrants, double parking, and parking problems that keep happening.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'problem',
  nodes: [
    {
      id: 'problem',
      kind: 'choice',
      prompt: 'What is the parking problem?',
      field: 'parking_problem',
      options: [
        { value: 'blocked_driveway', label: 'A car is blocking a driveway', next: 'medical_need' },
        { value: 'hydrant', label: 'A car is parked at a fire hydrant', next: 'now_address' },
        { value: 'double_parked', label: 'Double parking or parking on the sidewalk', next: 'now_address' },
        { value: 'ongoing', label: 'A problem that keeps happening', next: 'ongoing_address' },
      ],
    },
    {
      id: 'medical_need',
      kind: 'yes_no',
      prompt: 'Does someone need to get out right now for a medical reason?',
      yes: 'return_medical',
      no: 'now_address',
    },
    { id: 'now_address', kind: 'address', prompt: 'What is the address where the car is parked?', field: 'address', next: 'plate_visible' },
    { id: 'plate_visible', kind: 'yes_no', prompt: 'Can you read the license plate?', yes: 'plate', no: 'police_without_plate' },
    { id: 'plate', kind: 'plate', prompt: 'What is the license plate?', field: 'vehicle_plate', next: 'police_with_plate' },
    { id: 'ongoing_address', kind: 'address', prompt: 'Which block or corner is it?', field: 'address', next: 'ongoing_description' },
    {
      id: 'ongoing_description',
      kind: 'free_text',
      prompt: 'Tell me what happens, and when.',
      field: 'description',
      maxLength: 1000,
      next: 'traffic_request',
    },
    { id: 'return_medical', kind: 'return_to_911', determinant: '911-PRK-1' },
    { id: 'police_with_plate', kind: 'police_report', determinant: 'NE-PRK-1', script: 'I am sending this to the police to ticket or tow the car.' },
    { id: 'police_without_plate', kind: 'police_report', determinant: 'NE-PRK-2', script: 'I am sending this to the police to ticket or tow the car.' },
    {
      id: 'traffic_request',
      kind: 'service_request',
      determinant: 'NE-PRK-3',
      serviceTypeCode: 'traffic-other',
      department: 'Streets Department',
      priority: 'standard',
      requiredFields: ['address', 'description'],
    },
  ],
};
