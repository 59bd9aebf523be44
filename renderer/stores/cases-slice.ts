// Cases on screen: the service types for intake, the case being taken from a call, the case open
// in the detail panel, and the header's case search. Changes arrive only through these actions.
import type { StateCreator } from 'zustand/vanilla';
import type { CaseDetail, CaseSummary } from '../../shared/desk-api.js';
import type { Caller } from '../../shared/domain/caller.js';
import type { ServiceType } from '../../shared/domain/service-type.js';
import type { DeskError } from '../../shared/errors.js';
import type { DeskState } from './desk-store.js';

/** Who a new case is for; null caller for a request nobody left a name for. */
export type IntakeCaller = { id: string; name: string; address: string | null; zipcode: string | null };

export type CaseIntake = {
  /** The call it was started from, if any; the intake outlives the call so wrap-up can finish it. */
  callSid: string | null;
  caller: IntakeCaller | null;
  saving: boolean;
  error: DeskError | null;
  /** Set once the host has taken the case: its reference is what the agent reads out. */
  created: CaseSummary | null;
};

/** The "new caller" form of an unknown number's screen pop. */
export type CallerForm = { callSid: string; saving: boolean; error: DeskError | null; saved: Caller | null };

export type CaseDetailView =
  | { status: 'closed' }
  | { status: 'loading'; caseId: string }
  | { status: 'ready'; caseId: string; detail: CaseDetail; busy: boolean; actionError: DeskError | null }
  | { status: 'failed'; caseId: string; error: DeskError };

export type CaseSearch = {
  query: string;
  status: 'idle' | 'searching' | 'done' | 'failed';
  results: CaseSummary[];
  error: DeskError | null;
};

export type CasesSlice = {
  serviceTypes: ServiceType[];
  intake: CaseIntake | null;
  callerForm: CallerForm | null;
  caseDetail: CaseDetailView;
  caseSearch: CaseSearch;

  serviceTypesLoaded(types: ServiceType[]): void;
  callerSaveStarted(callSid: string): void;
  callerSaved(callSid: string, caller: Caller): void;
  callerSaveFailed(callSid: string, error: DeskError): void;
  intakeStarted(callSid: string | null, caller: IntakeCaller | null): void;
  intakeSaveStarted(): void;
  intakeSaveFailed(error: DeskError): void;
  caseCreated(summary: CaseSummary): void;
  intakeClosed(): void;
  caseOpened(caseId: string): void;
  caseDetailLoaded(caseId: string, detail: CaseDetail): void;
  caseDetailFailed(caseId: string, error: DeskError): void;
  caseActionStarted(caseId: string): void;
  caseActionFailed(caseId: string, error: DeskError): void;
  caseDetailClosed(): void;
  /** A newer copy of a case (after a local change or a pull): every view of it follows. */
  caseSummaryUpdated(summary: CaseSummary): void;
  caseSearchStarted(query: string): void;
  caseSearchFinished(query: string, results: CaseSummary[]): void;
  caseSearchFailed(query: string, error: DeskError): void;
  caseSearchCleared(): void;
};

const EMPTY_SEARCH: CaseSearch = { query: '', status: 'idle', results: [], error: null };

/** Replaces one case in a list by id, keeping the list's identity when it is not there. */
function replaceCase(list: CaseSummary[], summary: CaseSummary): CaseSummary[] {
  return list.some((item) => item.id === summary.id) ? list.map((item) => (item.id === summary.id ? summary : item)) : list;
}

/** The next state after a newer copy of a case; pure, for the slice and its tests. */
export function withUpdatedCase(state: Pick<CasesSlice, 'intake' | 'caseDetail' | 'caseSearch'>, summary: CaseSummary): Partial<CasesSlice> {
  const next: Partial<CasesSlice> = {};
  if (state.intake?.created?.id === summary.id) next.intake = { ...state.intake, created: summary };
  if (state.caseDetail.status === 'ready' && state.caseDetail.caseId === summary.id) {
    next.caseDetail = { ...state.caseDetail, detail: { ...state.caseDetail.detail, serviceRequest: summary } };
  }
  const results = replaceCase(state.caseSearch.results, summary);
  if (results !== state.caseSearch.results) next.caseSearch = { ...state.caseSearch, results };
  return next;
}

export const createCasesSlice: StateCreator<DeskState, [], [], CasesSlice> = (set) => ({
  serviceTypes: [],
  intake: null,
  callerForm: null,
  caseDetail: { status: 'closed' },
  caseSearch: EMPTY_SEARCH,

  serviceTypesLoaded: (types) => set({ serviceTypes: [...types].sort((a, b) => a.name.localeCompare(b.name)) }),

  callerSaveStarted: (callSid) => set({ callerForm: { callSid, saving: true, error: null, saved: null } }),
  callerSaved: (callSid, caller) =>
    set((state) => (state.callerForm?.callSid === callSid ? { callerForm: { callSid, saving: false, error: null, saved: caller } } : {})),
  callerSaveFailed: (callSid, error) =>
    set((state) => (state.callerForm?.callSid === callSid ? { callerForm: { callSid, saving: false, error, saved: null } } : {})),

  intakeStarted: (callSid, caller) => set({ intake: { callSid, caller, saving: false, error: null, created: null } }),
  intakeSaveStarted: () => set((state) => (state.intake ? { intake: { ...state.intake, saving: true, error: null } } : {})),
  intakeSaveFailed: (error) => set((state) => (state.intake ? { intake: { ...state.intake, saving: false, error } } : {})),
  caseCreated: (summary) =>
    set((state) => (state.intake ? { intake: { ...state.intake, saving: false, error: null, created: summary } } : {})),
  intakeClosed: () => set({ intake: null }),

  caseOpened: (caseId) => set({ caseDetail: { status: 'loading', caseId } }),
  // A detail that arrives for a case the agent has already left is dropped.
  caseDetailLoaded: (caseId, detail) =>
    set((state) => {
      if (state.caseDetail.status === 'closed' || state.caseDetail.caseId !== caseId) return {};
      const actionError = state.caseDetail.status === 'ready' ? state.caseDetail.actionError : null;
      // The intake and search follow the newer copy; the detail itself is the one just read.
      return { ...withUpdatedCase(state, detail.serviceRequest), caseDetail: { status: 'ready', caseId, detail, busy: false, actionError } };
    }),
  caseDetailFailed: (caseId, error) =>
    set((state) => {
      if (state.caseDetail.status === 'closed' || state.caseDetail.caseId !== caseId) return {};
      // A refresh that fails keeps what is on screen and says why; a first load shows the error.
      if (state.caseDetail.status === 'ready') return { caseDetail: { ...state.caseDetail, busy: false, actionError: error } };
      return { caseDetail: { status: 'failed', caseId, error } };
    }),
  caseActionStarted: (caseId) =>
    set((state) =>
      state.caseDetail.status === 'ready' && state.caseDetail.caseId === caseId ? { caseDetail: { ...state.caseDetail, busy: true, actionError: null } } : {},
    ),
  caseActionFailed: (caseId, error) =>
    set((state) =>
      state.caseDetail.status === 'ready' && state.caseDetail.caseId === caseId ? { caseDetail: { ...state.caseDetail, busy: false, actionError: error } } : {},
    ),
  caseDetailClosed: () => set({ caseDetail: { status: 'closed' } }),
  caseSummaryUpdated: (summary) => set((state) => withUpdatedCase(state, summary)),

  caseSearchStarted: (query) => set((state) => ({ caseSearch: { query, status: 'searching', results: state.caseSearch.results, error: null } })),
  // Only the answer to the latest query counts; typing fast sends several.
  caseSearchFinished: (query, results) =>
    set((state) => (state.caseSearch.query === query ? { caseSearch: { query, status: 'done', results, error: null } } : {})),
  caseSearchFailed: (query, error) =>
    set((state) => (state.caseSearch.query === query ? { caseSearch: { query, status: 'failed', results: [], error } } : {})),
  caseSearchCleared: () => set({ caseSearch: EMPTY_SEARCH }),
});
