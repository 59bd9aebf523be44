// What the status bar, the first-sync progress bar and the outbox say, as pure functions of the
// host's sync status and outbox, so the wording is tested without a browser.
import type { OutboxEntry, SyncStatus } from '../../shared/desk-api.js';
import type { MutationName, MutationResult } from '../../shared/mutations.js';
import { formatClock, formatCount } from '../app/format.js';
import type { DeskLink } from '../stores/session-slice.js';

export type Tone = 'good' | 'wait' | 'bad';
export type ConnectionView = { text: string; tone: Tone };

/** "Online", "Offline since 14:05", "Syncing 3 pending": the one line that is always on screen. */
export function connectionView(status: SyncStatus | null, deskLink: DeskLink, syncRequested: boolean): ConnectionView {
  if (deskLink === 'closed') return { text: 'Desk host unreachable', tone: 'bad' };
  if (!status) return { text: 'Sync: checking…', tone: 'wait' };
  if (status.connection === 'offline') {
    return { text: status.offlineSince ? `Offline since ${formatClock(status.offlineSince)}` : 'Offline', tone: 'bad' };
  }
  if (status.connection === 'syncing' || syncRequested) {
    return { text: status.pendingMutations > 0 ? `Syncing ${formatCount(status.pendingMutations)} pending` : 'Syncing…', tone: 'wait' };
  }
  return { text: 'Online', tone: 'good' };
}

export type SyncProgressView = {
  /** 0–100, for the bar's width and aria-valuenow. */
  percent: number;
  rowsText: string;
  rateText: string;
  timeLeftText: string;
};

/** "about 3 min left"; null seconds means the host cannot estimate yet. */
export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating time left…';
  if (seconds < 1) return 'almost done';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest > 0 ? ` ${rest} min` : ''} left`;
}

export function syncProgressView(progress: NonNullable<SyncStatus['progress']>): SyncProgressView {
  const total = Math.max(progress.totalRows, progress.rows);
  const percent = total === 0 ? 0 : Math.min(100, Math.floor((progress.rows / total) * 100));
  return {
    percent,
    rowsText: `${formatCount(progress.rows)} of ${formatCount(total)} rows`,
    rateText: `${formatCount(Math.round(progress.rowsPerSecond))} rows/s`,
    timeLeftText: formatTimeLeft(progress.secondsLeft),
  };
}

export const MUTATION_LABELS: Record<MutationName, string> = {
  createCaller: 'New caller',
  createCase: 'New case',
  editCase: 'Case edit',
  changeStatus: 'Status change',
  linkCaller: 'Caller link',
  addNote: 'Note',
  resolveConflict: 'Conflict resolution',
  recordTriage: 'Triage record',
  recordViews: 'Record views',
};

/** The label of a mutation's name; the host may know names this renderer does not. */
export function mutationLabel(name: string): string {
  return Object.prototype.hasOwnProperty.call(MUTATION_LABELS, name) ? MUTATION_LABELS[name as MutationName] : name;
}

export type OutboxSections = { rejected: OutboxEntry[]; pending: OutboxEntry[] };

/** Rejected first (they need the agent), each section in the order the changes were made. */
export function outboxSections(entries: readonly OutboxEntry[]): OutboxSections {
  const byId = [...entries].sort((a, b) => a.mutationId - b.mutationId);
  return { rejected: byId.filter((entry) => entry.state === 'rejected'), pending: byId.filter((entry) => entry.state === 'pending') };
}

const plural = (count: number, one: string, many: string) => `${formatCount(count)} ${count === 1 ? one : many}`;

export type MutationResultsToast = { tone: 'bad' | 'wait'; text: string };

/** A toast for a push's results when the agent must look at something; null when all applied cleanly. */
export function mutationResultsToast(results: readonly MutationResult[]): MutationResultsToast | null {
  const rejected = results.filter((result) => result.status === 'rejected').length;
  const conflicts = results.reduce((sum, result) => sum + (result.status === 'applied' ? result.conflictIds.length : 0), 0);
  const parts: string[] = [];
  if (rejected > 0) parts.push(`the server refused ${plural(rejected, 'change', 'changes')} (see the outbox)`);
  if (conflicts > 0) parts.push(`${plural(conflicts, 'edit', 'edits')} clashed with another agent's (see the case)`);
  if (parts.length === 0) return null;
  const text = parts.join('; ');
  return { tone: rejected > 0 ? 'bad' : 'wait', text: text.charAt(0).toUpperCase() + text.slice(1) + '.' };
}
