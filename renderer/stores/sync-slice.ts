// The desk host's sync status with the central server as the status bar shows it, the outbox
// panel (pending and rejected mutations), and the toast that tells of rejections and conflicts.
import type { StateCreator } from 'zustand/vanilla';
import type { OutboxEntry, SyncStatus } from '../../shared/desk-api.js';
import type { DeskError } from '../../shared/errors.js';
import type { MutationResult } from '../../shared/mutations.js';
import { mutationResultsToast, type MutationResultsToast } from '../sync/sync-view.js';
import type { DeskState } from './desk-store.js';

export type SyncToast = MutationResultsToast & { id: number };

export type OutboxView = {
  open: boolean;
  loading: boolean;
  entries: OutboxEntry[];
  error: DeskError | null;
  /** Acknowledgements sent and not yet answered, so a double click sends one. */
  acknowledging: number[];
};

export type SyncSlice = {
  syncStatus: SyncStatus | null;
  /** A "sync now" the agent asked for is running. */
  syncRequested: boolean;
  outbox: OutboxView;
  toast: SyncToast | null;

  syncStatusReceived(status: SyncStatus): void;
  syncRequestStarted(): void;
  syncRequestFinished(): void;
  outboxOpened(): void;
  outboxClosed(): void;
  outboxLoadStarted(): void;
  outboxLoaded(entries: OutboxEntry[]): void;
  outboxLoadFailed(error: DeskError): void;
  rejectionAcknowledgeStarted(mutationId: number): void;
  rejectionAcknowledged(mutationId: number): void;
  rejectionAcknowledgeFailed(mutationId: number, error: DeskError): void;
  mutationResultsReceived(results: MutationResult[]): void;
  toastDismissed(): void;
};

const CLOSED_OUTBOX: OutboxView = { open: false, loading: false, entries: [], error: null, acknowledging: [] };

export const createSyncSlice: StateCreator<DeskState, [], [], SyncSlice> = (set) => ({
  syncStatus: null,
  syncRequested: false,
  outbox: CLOSED_OUTBOX,
  toast: null,

  // Events and replies can cross; never let an older status overwrite a newer one.
  syncStatusReceived: (status) =>
    set((state) => {
      const current = state.syncStatus;
      if (current && current.lastSyncedAt && status.lastSyncedAt && status.lastSyncedAt < current.lastSyncedAt) return {};
      return { syncStatus: status };
    }),
  syncRequestStarted: () => set({ syncRequested: true }),
  syncRequestFinished: () => set({ syncRequested: false }),

  outboxOpened: () => set((state) => ({ outbox: { ...state.outbox, open: true } })),
  outboxClosed: () => set({ outbox: CLOSED_OUTBOX }),
  outboxLoadStarted: () => set((state) => ({ outbox: { ...state.outbox, loading: true } })),
  outboxLoaded: (entries) =>
    set((state) => (state.outbox.open ? { outbox: { ...state.outbox, loading: false, entries, error: null } } : {})),
  outboxLoadFailed: (error) => set((state) => (state.outbox.open ? { outbox: { ...state.outbox, loading: false, error } } : {})),
  rejectionAcknowledgeStarted: (mutationId) =>
    set((state) => ({ outbox: { ...state.outbox, acknowledging: [...state.outbox.acknowledging, mutationId] } })),
  rejectionAcknowledged: (mutationId) =>
    set((state) => ({
      outbox: {
        ...state.outbox,
        entries: state.outbox.entries.filter((entry) => entry.mutationId !== mutationId),
        acknowledging: state.outbox.acknowledging.filter((id) => id !== mutationId),
      },
      // The host's next status carries the new count; until then the bar should not lag behind.
      syncStatus: state.syncStatus ? { ...state.syncStatus, rejectedMutations: Math.max(0, state.syncStatus.rejectedMutations - 1) } : null,
    })),
  rejectionAcknowledgeFailed: (mutationId, error) =>
    set((state) => ({ outbox: { ...state.outbox, error, acknowledging: state.outbox.acknowledging.filter((id) => id !== mutationId) } })),

  mutationResultsReceived: (results) =>
    set((state) => {
      const toast = mutationResultsToast(results);
      return toast ? { toast: { ...toast, id: (state.toast?.id ?? 0) + 1 } } : {};
    }),
  toastDismissed: () => set({ toast: null }),
});
