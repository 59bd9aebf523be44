// Triage on screen: the protocol library (validated, the versions in effect when it was loaded),
// and the run of the current call — offered when a 911 transfer rings, open once answered, then
// what came of it (back to 911, a case, or a report on record).
import type { StateCreator } from 'zustand/vanilla';
import type { DeskError } from '../../shared/errors.js';
import type { ProtocolLibrary } from '../../shared/triage/validate.js';
import type { DeskState } from './desk-store.js';

export type TriageResult =
  | { kind: 'returned_to_911'; determinant: string }
  | { kind: 'case_created'; determinant: string; reference: string; caseId: string }
  | { kind: 'recorded'; determinant: string; outcome: string };

export type TriageRunView =
  | { status: 'none' }
  /** A 911 transfer is ringing: the protocol opens on answer. */
  | { status: 'ready'; callId: string; callSid: string }
  | { status: 'open'; runId: string; callId: string | null; callSid: string | null; location: string; callbackNumber: string }
  | { status: 'saving'; runId: string; callId: string | null; callSid: string | null; location: string; callbackNumber: string }
  | { status: 'done'; callId: string | null; result: TriageResult };

export type TriageSlice = {
  triageLibrary: ProtocolLibrary | null;
  triageLibraryError: DeskError | null;
  triageRun: TriageRunView;
  triageError: DeskError | null;

  triageLibraryLoaded(library: ProtocolLibrary): void;
  triageLibraryFailed(error: DeskError): void;
  triageOffered(callId: string, callSid: string): void;
  triageOpened(run: { runId: string; callId: string | null; callSid: string | null; location: string; callbackNumber: string }): void;
  triageCallerEdited(changes: { location?: string; callbackNumber?: string }): void;
  triageSaving(): void;
  triageFinished(result: TriageResult): void;
  triageFailed(error: DeskError): void;
  triageClosed(): void;
};

export const createTriageSlice: StateCreator<DeskState, [], [], TriageSlice> = (set) => ({
  triageLibrary: null,
  triageLibraryError: null,
  triageRun: { status: 'none' },
  triageError: null,

  triageLibraryLoaded: (library) => set({ triageLibrary: library, triageLibraryError: null }),
  triageLibraryFailed: (error) => set({ triageLibraryError: error }),
  triageOffered: (callId, callSid) => set({ triageRun: { status: 'ready', callId, callSid }, triageError: null }),
  triageOpened: (run) => set({ triageRun: { status: 'open', ...run }, triageError: null }),
  triageCallerEdited: (changes) =>
    set((state) => {
      const run = state.triageRun;
      if (run.status !== 'open') return {};
      return { triageRun: { ...run, ...changes } };
    }),
  triageSaving: () =>
    set((state) => (state.triageRun.status === 'open' ? { triageRun: { ...state.triageRun, status: 'saving' } } : {})),
  triageFinished: (result) =>
    set((state) => {
      const run = state.triageRun;
      const callId = run.status === 'none' ? null : run.callId;
      return { triageRun: { status: 'done', callId, result }, triageError: null };
    }),
  // The run's record is kept by the screen; the agent can try again.
  triageFailed: (error) =>
    set((state) => (state.triageRun.status === 'saving' ? { triageRun: { ...state.triageRun, status: 'open' }, triageError: error } : { triageError: error })),
  triageClosed: () => set({ triageRun: { status: 'none' }, triageError: null }),
});
