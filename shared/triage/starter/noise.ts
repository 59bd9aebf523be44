// Noise: parties and music go to the police; construction out of hours is a License & Inspections case.
import type { TriageProtocolDocument } from '../protocol.js';

const toPolice = 'I am passing this to the police as a non-emergency report. An officer will come when one is free.';

export const noise: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'noise',
  version: 1,
  title: 'Noise',
  summary: 'Loud parties, music, vehicles and construction noise.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'source',
  nodes: [
    {
      id: 'source',
      kind: 'choice',
      prompt: 'What is making the noise?',
      field: 'noise_source',
      options: [
        { value: 'party_music', label: 'A party or loud music', next: 'party_address' },
        { value: 'construction', label: 'Construction work', next: 'construction_address' },
        { value: 'vehicle', label: 'A car alarm or a vehicle', next: 'other_address' },
        { value: 'other', label: 'Something else', next: 'other_address' },
      ],
    },
    { id: 'party_address', kind: 'address', prompt: 'What is the address the noise is coming from?', field: 'address', next: 'party_started' },
    { id: 'party_started', kind: 'time', prompt: 'What time did it start?', field: 'noise_started', next: 'police_party' },
    { id: 'construction_address', kind: 'address', prompt: 'What is the address of the construction site?', field: 'address', next: 'construction_started' },
    {
      id: 'construction_started',
      kind: 'time',
      prompt: 'What time did the work start today?',
      help: 'Construction is allowed from 7 am to 8 pm.',
      field: 'noise_started',
      branches: [
        { when: { op: 'lt', value: '07:00' }, next: 'construction_after_hours' },
        { when: { op: 'gte', value: '20:00' }, next: 'construction_after_hours' },
      ],
      next: 'construction_daytime',
    },
    { id: 'other_address', kind: 'address', prompt: 'What is the address the noise is coming from?', field: 'address', next: 'police_other' },
    { id: 'police_party', kind: 'police_report', determinant: 'NE-NOI-1', script: toPolice },
    { id: 'police_other', kind: 'police_report', determinant: 'NE-NOI-4', script: toPolice },
    {
      id: 'construction_after_hours',
      kind: 'service_request',
      determinant: 'NE-NOI-3',
      serviceTypeCode: 'construction-complaints',
      department: 'License & Inspections',
      priority: 'high',
      requiredFields: ['address', 'noise_started'],
      script: 'Work outside 7 am to 8 pm needs a permit. License & Inspections will check the site.',
    },
    {
      id: 'construction_daytime',
      kind: 'service_request',
      determinant: 'NE-NOI-2',
      serviceTypeCode: 'construction-complaints',
      department: 'License & Inspections',
      priority: 'standard',
      requiredFields: ['address', 'noise_started'],
    },
  ],
};
