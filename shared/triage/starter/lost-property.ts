// Lost property has no 311 service type: IDs and plates need a police report for a replacement,
// anything lost on SEPTA goes to SEPTA, the rest is information.
import type { TriageProtocolDocument } from '../protocol.js';

const septa = {
  kind: 'information',
  articleId: 'kb-septa-lost-and-found',
  text: 'SEPTA keeps what is found on its buses, trains and stations. Call SEPTA Lost and Found at 215-580-7800.',
} as const;

export const lostProperty: TriageProtocolDocument = {
  schemaVersion: 1,
  id: 'lost-property',
  version: 1,
  title: 'Lost property',
  summary: 'Lost IDs, plates, phones, wallets and other belongings.',
  effectiveFrom: '2026-12-01T00:00:00Z',
  start: 'item',
  nodes: [
    {
      id: 'item',
      kind: 'choice',
      prompt: 'What did you lose?',
      field: 'lost_item',
      options: [
        { value: 'identity_document', label: 'An ID, driver’s license or passport', next: 'document_on_septa' },
        { value: 'license_plate', label: 'A license plate', next: 'document_on_septa' },
        { value: 'phone_wallet_bag', label: 'A phone, wallet or bag', next: 'item_on_septa' },
        { value: 'other', label: 'Something else', next: 'item_on_septa' },
      ],
    },
    { id: 'document_on_septa', kind: 'yes_no', prompt: 'Did you lose it on a SEPTA bus, train or station?', yes: 'septa_document', no: 'police_report' },
    { id: 'item_on_septa', kind: 'yes_no', prompt: 'Did you lose it on a SEPTA bus, train or station?', yes: 'septa_item', no: 'general_lost' },
    { id: 'septa_document', determinant: 'NE-LST-3', ...septa },
    { id: 'septa_item', determinant: 'NE-LST-4', ...septa },
    {
      id: 'police_report',
      kind: 'police_report',
      determinant: 'NE-LST-1',
      script: 'You need a police report to replace it. I am passing your details to the police for a lost property report.',
    },
    {
      id: 'general_lost',
      kind: 'information',
      determinant: 'NE-LST-2',
      articleId: 'kb-lost-property',
      text: 'The city does not keep a lost and found. Check with the place where you lost it, and with your local police district.',
    },
  ],
};
