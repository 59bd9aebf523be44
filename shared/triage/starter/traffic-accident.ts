// A crash report with no one hurt: a police report. Anyone hurt, or cars still blocking traffic or
// leaking, goes back to 911.
import type { TriageProtocolDocument } from '../protocol.js';

const reportScript = 'I am passing this to the police as a crash report. Keep the other driver’s details and your insurance card ready.';

export const trafficAccident: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'traffic-accident',
  version: 1,
  title: 'Traffic crash, no injuries',
  summary: 'Reporting a crash where no one was hurt and the road is clear.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'anyone_hurt',
  nodes: [
    {
      id: 'anyone_hurt',
      kind: 'yes_no',
      prompt: 'Is anyone hurt, even a little?',
      help: 'Pain, dizziness or a bump to the head counts as yes.',
      yes: 'return_hurt',
      no: 'blocking_or_leaking',
    },
    {
      id: 'blocking_or_leaking',
      kind: 'yes_no',
      prompt: 'Are the cars still blocking traffic, or is anything leaking?',
      yes: 'return_blocking',
      no: 'address',
    },
    { id: 'address', kind: 'address', prompt: 'Where did the crash happen?', field: 'address', next: 'time' },
    { id: 'time', kind: 'time', prompt: 'What time did it happen?', field: 'incident_time', next: 'driver_left' },
    {
      id: 'driver_left',
      kind: 'yes_no',
      prompt: 'Did the other driver leave without giving you their details?',
      field: 'hit_and_run',
      yes: 'other_plate_known',
      no: 'report',
    },
    { id: 'other_plate_known', kind: 'yes_no', prompt: 'Did you get their license plate?', yes: 'other_plate', no: 'report_hit_and_run' },
    { id: 'other_plate', kind: 'plate', prompt: 'What was their license plate?', field: 'other_vehicle_plate', next: 'report_hit_and_run_plate' },
    { id: 'return_hurt', kind: 'return_to_911', determinant: '911-MVA-1' },
    { id: 'return_blocking', kind: 'return_to_911', determinant: '911-MVA-2' },
    { id: 'report', kind: 'police_report', determinant: 'NE-MVA-1', script: reportScript },
    { id: 'report_hit_and_run', kind: 'police_report', determinant: 'NE-MVA-2', script: reportScript },
    { id: 'report_hit_and_run_plate', kind: 'police_report', determinant: 'NE-MVA-3', script: reportScript },
  ],
};
