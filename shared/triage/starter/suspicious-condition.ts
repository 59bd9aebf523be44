// Something suspicious that is not happening now: a police report, or License & Inspections for
// an open vacant building, the Fire Department for a fire hazard. A left package, a gas smell or
// someone inside now goes back to 911.
import type { TriageProtocolDocument } from '../protocol.js';

export const suspiciousCondition: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'suspicious-condition',
  version: 1,
  title: 'Suspicious condition, not in progress',
  summary: 'Vacant buildings left open, people or vehicles seen earlier, drug activity that keeps happening, fire hazards.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'package_or_smell',
  nodes: [
    {
      id: 'package_or_smell',
      kind: 'yes_no',
      prompt: 'Is there a bag or package left somewhere that worries you, or a smell of gas or chemicals?',
      yes: 'return_package',
      no: 'what_seen',
    },
    {
      id: 'what_seen',
      kind: 'choice',
      prompt: 'What did you notice?',
      field: 'condition',
      options: [
        { value: 'vacant_open', label: 'A vacant building left open', next: 'someone_inside' },
        { value: 'person_or_vehicle', label: 'A person or a car seen earlier', next: 'report_address' },
        { value: 'drug_activity', label: 'Drug activity that keeps happening', next: 'drug_address' },
        { value: 'fire_hazard', label: 'A fire hazard, such as blocked exits or a broken fire escape', next: 'hazard_address' },
        { value: 'other', label: 'Something else', next: 'report_address' },
      ],
    },
    { id: 'someone_inside', kind: 'yes_no', prompt: 'Do you think someone is inside right now?', yes: 'return_inside', no: 'vacant_address' },
    { id: 'vacant_address', kind: 'address', prompt: 'What is the address of the building?', field: 'address', next: 'vacant_request' },
    { id: 'report_address', kind: 'address', prompt: 'Where was it? Give the address or the nearest corner.', field: 'address', next: 'report_description' },
    { id: 'report_description', kind: 'free_text', prompt: 'Tell me what you saw, and when.', field: 'description', maxLength: 1000, next: 'police_report' },
    { id: 'drug_address', kind: 'address', prompt: 'Where does it happen? Give the address or the nearest corner.', field: 'address', next: 'drug_description' },
    { id: 'drug_description', kind: 'free_text', prompt: 'Tell me what you see, and at what times.', field: 'description', maxLength: 1000, next: 'drug_report' },
    { id: 'hazard_address', kind: 'address', prompt: 'What is the address of the building?', field: 'address', next: 'fire_prevention' },
    { id: 'return_package', kind: 'return_to_911', determinant: '911-SUS-1' },
    { id: 'return_inside', kind: 'return_to_911', determinant: '911-SUS-2' },
    {
      id: 'vacant_request',
      kind: 'service_request',
      determinant: 'NE-SUS-1',
      serviceTypeCode: 'vacant-house-or-commercial',
      department: 'License & Inspections',
      priority: 'high',
      requiredFields: ['address'],
      script: 'License & Inspections will have the building sealed.',
    },
    { id: 'police_report', kind: 'police_report', determinant: 'NE-SUS-3', script: 'I am passing this to the police for the officers in your district.' },
    {
      id: 'fire_prevention',
      kind: 'fire_non_emergency',
      determinant: 'NE-SUS-5',
      script: 'I am passing this to the Fire Department’s fire prevention unit. An inspector will visit the building.',
    },
    { id: 'drug_report', kind: 'police_report', determinant: 'NE-SUS-4', script: 'I am passing this to the police narcotics tip line. You do not have to give your name.' },
  ],
};
