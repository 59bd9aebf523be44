// Animals: an attack or a bite goes back to 911, a dead animal is a Streets Department request,
// the rest goes to the police or to the right agency by information.
import type { TriageProtocolDocument } from '../protocol.js';

export const animal: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'animal',
  version: 1,
  title: 'Animal complaint',
  summary: 'Dead animals, stray dogs, wildlife and animals being mistreated.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'attack',
  nodes: [
    { id: 'attack', kind: 'yes_no', prompt: 'Is an animal attacking someone, or has it just bitten someone?', yes: 'return_attack', no: 'problem' },
    {
      id: 'problem',
      kind: 'choice',
      prompt: 'What is the problem with the animal?',
      field: 'animal_problem',
      options: [
        { value: 'dead', label: 'A dead animal on the street or sidewalk', next: 'dead_address' },
        { value: 'stray_dog', label: 'A stray or loose dog', next: 'dog_aggressive' },
        { value: 'wildlife', label: 'A wild animal such as a raccoon or a bat', next: 'wildlife' },
        { value: 'mistreated', label: 'An animal being mistreated', next: 'mistreated_address' },
      ],
    },
    { id: 'dead_address', kind: 'address', prompt: 'Where is it? Give the address or the nearest corner.', field: 'address', next: 'dead_request' },
    { id: 'dog_aggressive', kind: 'yes_no', prompt: 'Is the dog going after people?', field: 'dog_aggressive', yes: 'dog_address', no: 'stray_info' },
    { id: 'dog_address', kind: 'address', prompt: 'Where is the dog now?', field: 'address', next: 'dog_police' },
    { id: 'mistreated_address', kind: 'address', prompt: 'What is the address where the animal is kept?', field: 'address', next: 'mistreated_info' },
    { id: 'return_attack', kind: 'return_to_911', determinant: '911-ANI-1' },
    {
      id: 'dead_request',
      kind: 'service_request',
      determinant: 'NE-ANI-1',
      serviceTypeCode: 'dead-animal-in-street',
      department: 'Streets Department',
      priority: 'standard',
      requiredFields: ['address'],
    },
    { id: 'dog_police', kind: 'police_report', determinant: 'NE-ANI-2', script: 'I am passing this to the police. Stay away from the dog and keep children inside.' },
    {
      id: 'stray_info',
      kind: 'information',
      determinant: 'NE-ANI-3',
      articleId: 'kb-stray-animals',
      text: 'The Animal Care and Control Team (ACCT Philly) picks up stray dogs. Call them at 267-385-3800.',
    },
    {
      id: 'wildlife',
      kind: 'information',
      determinant: 'NE-ANI-4',
      articleId: 'kb-wildlife',
      text: 'The city does not remove wild animals. Keep away from it; a licensed wildlife control company can remove one from a home.',
    },
    {
      id: 'mistreated_info',
      kind: 'information',
      determinant: 'NE-ANI-5',
      articleId: 'kb-animal-cruelty',
      text: 'The Pennsylvania SPCA investigates animal cruelty. Call their cruelty hotline at 866-601-7722.',
    },
  ],
};
