// Illegal dumping goes to the Streets Department; anything that may be hazardous goes back to 911.
import type { TriageProtocolDocument } from '../protocol.js';

export const illegalDumping: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'illegal-dumping',
  version: 1,
  title: 'Illegal dumping',
  summary: 'Trash, furniture, debris or tires dumped on a street, lot or sidewalk.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'hazardous',
  nodes: [
    {
      id: 'hazardous',
      kind: 'yes_no',
      prompt: 'Does it look like chemicals or drums, or is anything leaking or smelling strongly?',
      yes: 'return_hazardous',
      no: 'address',
    },
    { id: 'address', kind: 'address', prompt: 'Where is it? Give the street address or the nearest corner.', field: 'address', next: 'material' },
    {
      id: 'material',
      kind: 'choice',
      prompt: 'What was dumped?',
      field: 'dumped_material',
      options: [
        { value: 'household', label: 'Household trash or bags', next: 'blocking' },
        { value: 'furniture', label: 'Furniture or mattresses', next: 'blocking' },
        { value: 'construction', label: 'Construction debris', next: 'blocking' },
        { value: 'tires', label: 'Tires', next: 'blocking' },
        { value: 'other', label: 'Something else', next: 'blocking' },
      ],
    },
    { id: 'blocking', kind: 'yes_no', prompt: 'Is it blocking the street or the sidewalk?', field: 'blocking', yes: 'request_blocking', no: 'request' },
    { id: 'return_hazardous', kind: 'return_to_911', determinant: '911-DMP-1' },
    {
      id: 'request_blocking',
      kind: 'service_request',
      determinant: 'NE-DMP-2',
      serviceTypeCode: 'illegal-dumping',
      department: 'Streets Department',
      priority: 'high',
      requiredFields: ['address', 'dumped_material'],
    },
    {
      id: 'request',
      kind: 'service_request',
      determinant: 'NE-DMP-1',
      serviceTypeCode: 'illegal-dumping',
      department: 'Streets Department',
      priority: 'standard',
      requiredFields: ['address', 'dumped_material'],
    },
  ],
};
