// After the safety screen: what the call is about, in two short lists so every choice has a number key.
import type { TriageProtocolDocument } from '../protocol.js';

export const topicChooser: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'topic-chooser',
  version: 1,
  title: 'Topic',
  summary: 'Picks the topic protocol for the call.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'area',
  nodes: [
    {
      id: 'area',
      kind: 'choice',
      prompt: 'What are you calling about?',
      help: 'Pick from what the caller has already said; ask only if it is unclear.',
      options: [
        { value: 'vehicles', label: 'A vehicle, parking, a crash or a light or signal', next: 'vehicle_topic' },
        { value: 'neighborhood', label: 'Noise, dumping, a hydrant, an animal or something suspicious', next: 'neighborhood_topic' },
        { value: 'lost_property', label: 'Something lost', next: 'to_lost_property' },
        { value: 'other', label: 'None of these', next: 'regular_request' },
      ],
    },
    {
      id: 'vehicle_topic',
      kind: 'choice',
      prompt: 'Which one is it?',
      options: [
        { value: 'abandoned_vehicle', label: 'An abandoned vehicle', next: 'to_abandoned_vehicle' },
        { value: 'parking', label: 'A blocked driveway or illegal parking', next: 'to_parking' },
        { value: 'crash', label: 'A crash where no one was hurt', next: 'to_traffic_accident' },
        { value: 'light_or_signal', label: 'A street light or traffic signal out', next: 'to_light_or_signal' },
      ],
    },
    {
      id: 'neighborhood_topic',
      kind: 'choice',
      prompt: 'Which one is it?',
      options: [
        { value: 'noise', label: 'Noise', next: 'to_noise' },
        { value: 'dumping', label: 'Illegal dumping', next: 'to_dumping' },
        { value: 'hydrant', label: 'An open fire hydrant', next: 'to_hydrant' },
        { value: 'animal', label: 'An animal', next: 'to_animal' },
        { value: 'suspicious', label: 'Something suspicious, not happening now', next: 'to_suspicious' },
      ],
    },
    { id: 'to_abandoned_vehicle', kind: 'continue', protocolId: 'abandoned-vehicle' },
    { id: 'to_parking', kind: 'continue', protocolId: 'illegal-parking' },
    { id: 'to_traffic_accident', kind: 'continue', protocolId: 'traffic-accident' },
    { id: 'to_light_or_signal', kind: 'continue', protocolId: 'light-or-signal-out' },
    { id: 'to_noise', kind: 'continue', protocolId: 'noise' },
    { id: 'to_dumping', kind: 'continue', protocolId: 'illegal-dumping' },
    { id: 'to_hydrant', kind: 'continue', protocolId: 'open-hydrant' },
    { id: 'to_animal', kind: 'continue', protocolId: 'animal' },
    { id: 'to_suspicious', kind: 'continue', protocolId: 'suspicious-condition' },
    { id: 'to_lost_property', kind: 'continue', protocolId: 'lost-property' },
    {
      id: 'regular_request',
      kind: 'information',
      determinant: 'NE-TOP-1',
      articleId: 'kb-regular-311-request',
      text: 'This is not an emergency. I can take it as a regular 311 request now.',
    },
  ],
};
