// What the status bar, progress bar and outbox say for a given sync status and outbox.
import { describe, expect, it } from 'vitest';
import { formatClock } from '../../../renderer/app/format.js';
import { connectionView, formatTimeLeft, mutationLabel, mutationResultsToast, outboxSections, syncProgressView } from '../../../renderer/sync/sync-view.js';
import { pendingEntry, rejectedEntry, syncStatus } from './fixtures.js';

describe('connectionView', () => {
  it('says online, offline since a time, or syncing with the pending count', () => {
    expect(connectionView(syncStatus, 'open', false)).toEqual({ text: 'Online', tone: 'good' });
    const offlineSince = '2025-06-01T12:10:00Z';
    expect(connectionView({ ...syncStatus, connection: 'offline', offlineSince, pendingMutations: 2 }, 'open', false)).toEqual({
      text: `Offline since ${formatClock(offlineSince)}`,
      tone: 'bad',
    });
    expect(connectionView({ ...syncStatus, connection: 'syncing', pendingMutations: 3 }, 'open', false)).toEqual({ text: 'Syncing 3 pending', tone: 'wait' });
    expect(connectionView({ ...syncStatus, connection: 'syncing' }, 'open', false).text).toBe('Syncing…');
  });

  it('puts the desk host link and a missing status first, and offline before a requested sync', () => {
    expect(connectionView(syncStatus, 'closed', false)).toEqual({ text: 'Desk host unreachable', tone: 'bad' });
    expect(connectionView(null, 'open', false).tone).toBe('wait');
    expect(connectionView({ ...syncStatus, connection: 'offline', offlineSince: null }, 'open', true).text).toBe('Offline');
    expect(connectionView({ ...syncStatus, pendingMutations: 1200 }, 'open', true).text).toBe('Syncing 1,200 pending');
  });
});

describe('first-sync progress', () => {
  it('formats rows, rate and time left', () => {
    expect(syncProgressView({ rows: 250_000, totalRows: 1_000_000, rowsPerSecond: 50_123.6, secondsLeft: 15 })).toEqual({
      percent: 25,
      rowsText: '250,000 of 1,000,000 rows',
      rateText: '50,124 rows/s',
      timeLeftText: '15 s left',
    });
  });

  it('never shows more than 100 % nor divides by zero', () => {
    expect(syncProgressView({ rows: 0, totalRows: 0, rowsPerSecond: 0, secondsLeft: null }).percent).toBe(0);
    const over = syncProgressView({ rows: 1_200, totalRows: 1_000, rowsPerSecond: 10, secondsLeft: 0 });
    expect(over.percent).toBe(100);
    expect(over.rowsText).toBe('1,200 of 1,200 rows');
  });

  it('says the time left in words an agent reads at a glance', () => {
    expect(formatTimeLeft(null)).toBe('estimating time left…');
    expect(formatTimeLeft(0.2)).toBe('almost done');
    expect(formatTimeLeft(59.1)).toBe('60 s left');
    expect(formatTimeLeft(61)).toBe('about 2 min left');
    expect(formatTimeLeft(3_600)).toBe('about 1 h left');
    expect(formatTimeLeft(3_600 + 25 * 60)).toBe('about 1 h 25 min left');
  });
});

describe('outbox summaries', () => {
  it('puts refused changes first, each section in the order the changes were made', () => {
    const later = { ...pendingEntry, mutationId: 9 };
    const laterRejected = { ...rejectedEntry, mutationId: 5 };
    expect(outboxSections([later, laterRejected, pendingEntry, rejectedEntry])).toEqual({
      rejected: [rejectedEntry, laterRejected],
      pending: [pendingEntry, later],
    });
  });

  it('labels mutation names and passes unknown ones through', () => {
    expect(mutationLabel('createCase')).toBe('New case');
    expect(mutationLabel('attachTriage')).toBe('attachTriage');
    expect(mutationLabel('toString')).toBe('toString');
  });

  it('raises a toast for rejections and conflicts only', () => {
    expect(mutationResultsToast([{ id: 1, status: 'applied', conflictIds: [] }])).toBeNull();
    expect(mutationResultsToast([])).toBeNull();
    expect(mutationResultsToast([{ id: 1, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no such case' } }])).toEqual({
      tone: 'bad',
      text: 'The server refused 1 change (see the outbox).',
    });
    expect(
      mutationResultsToast([
        { id: 1, status: 'applied', conflictIds: ['0190a8f2-7b1c-7c3e-8f00-0000000000c1', '0190a8f2-7b1c-7c3e-8f00-0000000000c2'] },
      ]),
    ).toEqual({ tone: 'wait', text: "2 edits clashed with another agent's (see the case)." });
    const both = mutationResultsToast([
      { id: 1, status: 'rejected', error: { code: 'NOT_FOUND', message: 'x' } },
      { id: 2, status: 'rejected', error: { code: 'NOT_FOUND', message: 'y' } },
      { id: 3, status: 'applied', conflictIds: ['0190a8f2-7b1c-7c3e-8f00-0000000000c1'] },
    ]);
    expect(both?.tone).toBe('bad');
    expect(both?.text).toBe("The server refused 2 changes (see the outbox); 1 edit clashed with another agent's (see the case).");
  });
});
