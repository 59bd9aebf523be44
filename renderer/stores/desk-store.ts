// The renderer's one store, made of slices (auth, session, call, call control, sync, cases, triage, view). Components read narrow slices
// through `useDesk(selector)`; every change goes through a named action of a slice.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createAuthSlice, type AuthSlice } from './auth-slice.js';
import { createCallControlSlice, type CallControlSlice } from './call-control-slice.js';
import { createCallSlice, type CallSlice } from './call-slice.js';
import { createCasesSlice, type CasesSlice } from './cases-slice.js';
import { createSessionSlice, type SessionSlice } from './session-slice.js';
import { createSyncSlice, type SyncSlice } from './sync-slice.js';
import { createTriageSlice, type TriageSlice } from './triage-slice.js';
import { createViewSlice, type ViewSlice } from './view-slice.js';

export type DeskState = AuthSlice & SessionSlice & CallSlice & CallControlSlice & SyncSlice & CasesSlice & TriageSlice & ViewSlice;
export type DeskStore = StoreApi<DeskState>;

export function createDeskStore(): DeskStore {
  return createStore<DeskState>()((...args) => ({
    ...createAuthSlice(...args),
    ...createSessionSlice(...args),
    ...createCallSlice(...args),
    ...createCallControlSlice(...args),
    ...createSyncSlice(...args),
    ...createCasesSlice(...args),
    ...createTriageSlice(...args),
    ...createViewSlice(...args),
  }));
}

export const DeskStoreContext = createContext<DeskStore | null>(null);

export function useDesk<T>(selector: (state: DeskState) => T): T {
  const store = useContext(DeskStoreContext);
  if (!store) throw new Error('useDesk needs a DeskStoreContext provider');
  return useStore(store, selector);
}
