// The desk host's sync status with the central server, as the status bar shows it.
import type { StateCreator } from 'zustand/vanilla';
import type { SyncStatus } from '../../shared/desk-api.js';
import type { DeskState } from './desk-store.js';

export type SyncSlice = {
  syncStatus: SyncStatus | null;
  /** A "sync now" the agent asked for is running. */
  syncRequested: boolean;

  syncStatusReceived(status: SyncStatus): void;
  syncRequestStarted(): void;
  syncRequestFinished(): void;
};

export const createSyncSlice: StateCreator<DeskState, [], [], SyncSlice> = (set) => ({
  syncStatus: null,
  syncRequested: false,

  // Events and replies can cross; never let an older status overwrite a newer one.
  syncStatusReceived: (status) =>
    set((state) => {
      const current = state.syncStatus;
      if (current && current.lastSyncedAt && status.lastSyncedAt && status.lastSyncedAt < current.lastSyncedAt) return {};
      return { syncStatus: status };
    }),
  syncRequestStarted: () => set({ syncRequested: true }),
  syncRequestFinished: () => set({ syncRequested: false }),
});
