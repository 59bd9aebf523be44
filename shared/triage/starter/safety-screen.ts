// Runs first on every transferred call: four questions that catch an emergency 911 should keep.
import type { TriageProtocolDocument } from '../protocol.js';

const backTo911 = 'Stay on the line. I am transferring you back to 911 now.';

export const safetyScreen: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'safety-screen',
  version: 1,
  title: 'Safety screen',
  summary: 'Rules out an emergency before anything else: anyone hurt or in danger, fire or smoke, a crime happening now, weapons.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'hurt_or_danger',
  nodes: [
    {
      id: 'hurt_or_danger',
      kind: 'yes_no',
      prompt: 'Is anyone hurt, or in danger right now?',
      help: 'Any injury, even small, or anyone trapped, threatened or unwell counts as yes.',
      yes: 'return_hurt',
      no: 'fire_or_smoke',
    },
    {
      id: 'fire_or_smoke',
      kind: 'yes_no',
      prompt: 'Do you see fire or smoke, or smell gas?',
      yes: 'return_fire',
      no: 'crime_now',
    },
    {
      id: 'crime_now',
      kind: 'yes_no',
      prompt: 'Is a crime happening right now?',
      help: 'Someone breaking in, fighting, stealing or damaging property at this moment.',
      yes: 'return_crime',
      no: 'weapons',
    },
    {
      id: 'weapons',
      kind: 'yes_no',
      prompt: 'Has anyone there got a gun, a knife or another weapon?',
      yes: 'return_weapons',
      no: 'choose_topic',
    },
    { id: 'choose_topic', kind: 'continue', protocolId: 'topic-chooser' },
    { id: 'return_hurt', kind: 'return_to_911', determinant: '911-SAF-1', script: backTo911 },
    { id: 'return_fire', kind: 'return_to_911', determinant: '911-SAF-2', script: backTo911 },
    { id: 'return_crime', kind: 'return_to_911', determinant: '911-SAF-3', script: backTo911 },
    { id: 'return_weapons', kind: 'return_to_911', determinant: '911-SAF-4', script: backTo911 },
  ],
};
