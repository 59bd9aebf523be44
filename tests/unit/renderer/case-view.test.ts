// Pure case view logic: offered status changes, references, conflict wording, search input.
import { describe, expect, it } from 'vitest';
import { STATUS_TRANSITIONS, ServiceRequestStatusSchema } from '../../../shared/domain/service-request.js';
import { makeProvisionalReference } from '../../../shared/mutations.js';
import { formatClock } from '../../../renderer/app/format.js';
import { describeOrigin, formatFieldValue, isProvisionalReference, normalizeCaseQuery, openConflicts, referenceView, statusActionsFor } from '../../../renderer/cases/case-view.js';
import { filterServiceTypes } from '../../../renderer/cases/ServiceTypePicker.js';
import { acceptedCase, conflict, offlineCase, serviceTypes } from './fixtures.js';

describe('statusActionsFor', () => {
  it('offers exactly the shared transitions of each status', () => {
    for (const status of ServiceRequestStatusSchema.options) {
      expect(statusActionsFor(status).map((action) => action.to)).toEqual([...STATUS_TRANSITIONS[status]]);
      expect(statusActionsFor(status).map((action) => action.to)).not.toContain(status);
    }
  });

  it('names each change for what it does', () => {
    expect(statusActionsFor('open')).toEqual([
      { to: 'in_progress', label: 'Mark in progress' },
      { to: 'closed', label: 'Close case' },
    ]);
    expect(statusActionsFor('closed')).toEqual([{ to: 'open', label: 'Reopen' }]);
    expect(statusActionsFor('in_progress').find((action) => action.to === 'open')?.label).toBe('Back to open');
  });
});

describe('references', () => {
  it('reads a provisional reference as provisional, with no alias', () => {
    expect(referenceView(offlineCase)).toEqual({ reference: 'P-7K3Q-9XH2', provisional: true, provisionalAlias: null });
  });

  it('shows the official number with the provisional one kept beside it', () => {
    expect(referenceView(acceptedCase)).toEqual({ reference: '10234567', provisional: false, provisionalAlias: 'P-7K3Q-9XH2' });
    expect(referenceView({ reference: '10000001', provisionalReference: null }).provisionalAlias).toBeNull();
  });

  it('recognizes references made by the shared generator', () => {
    expect(isProvisionalReference(makeProvisionalReference(new Uint8Array([1, 2, 3, 4, 5])))).toBe(true);
    expect(isProvisionalReference('10234567')).toBe(false);
    expect(isProvisionalReference('P-ILOU-0000')).toBe(false);
  });
});

describe('conflict wording', () => {
  it('says who made each side, "you" for this desk', () => {
    const today = new Date(conflict.losingBy.at);
    expect(describeOrigin(conflict.losingBy, 'client-0001', today)).toBe(`you (this desk), ${formatClock(conflict.losingBy.at)}`);
    expect(describeOrigin(conflict.keptBy, 'client-0001', today)).toBe(`agent other-agent, ${formatClock(conflict.keptBy!.at)}`);
    expect(describeOrigin(null, 'client-0001', today)).toBe('an earlier edit');
  });

  it('adds the date for an edit of another day', () => {
    expect(describeOrigin(conflict.keptBy, null, new Date('2025-07-01T12:00:00Z'))).toMatch(/^agent other-agent, Jun 1, 2025 \d\d:\d\d$/);
  });

  it('shows empty values as such and lists only open conflicts', () => {
    expect(formatFieldValue(null)).toBe('(empty)');
    expect(formatFieldValue('')).toBe('(empty)');
    expect(formatFieldValue(39.95)).toBe('39.95');
    expect(formatFieldValue('Federal St')).toBe('Federal St');
    expect(openConflicts([conflict, { ...conflict, id: '0190a8f2-7b1c-7c3e-8f00-0000000000c9', resolvedAt: '2025-06-01T13:00:00Z' }])).toEqual([conflict]);
  });
});

describe('search input', () => {
  it('trims, collapses spaces, upper-cases a provisional reference and ignores blanks', () => {
    expect(normalizeCaseQuery('   ')).toBeNull();
    expect(normalizeCaseQuery('  pothole   Federal ')).toBe('pothole Federal');
    expect(normalizeCaseQuery(' p-7k3q-9xh2 ')).toBe('P-7K3Q-9XH2');
    expect(normalizeCaseQuery('x'.repeat(300))).toHaveLength(200);
  });

  it('filters active service types by every typed word', () => {
    expect(filterServiceTypes(serviceTypes, '').map((type) => type.code)).toEqual(['pothole-repair', 'illegal-dumping', 'information-request']);
    expect(filterServiceTypes(serviceTypes, 'streets dump').map((type) => type.code)).toEqual(['illegal-dumping']);
    expect(filterServiceTypes(serviceTypes, 'bicycle')).toEqual([]);
  });
});
