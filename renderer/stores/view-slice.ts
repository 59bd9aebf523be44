// Which view fills the workspace: the call view every agent has, or the floor (the wallboard with
// the supervisor controls) and the triage protocol editor, which only team leads and admins can
// switch to, or the audit log, which only admins can.
import type { StateCreator } from 'zustand/vanilla';
import { isSupervisorRole } from '../../shared/supervisor-api.js';
import type { DeskState } from './desk-store.js';

export type DeskView = 'calls' | 'floor' | 'protocols' | 'audit';

export type ViewSlice = {
  deskView: DeskView;
  /** Ignored for agents whose role does not see that view. */
  deskViewChosen(view: DeskView): void;
};

export const createViewSlice: StateCreator<DeskState, [], [], ViewSlice> = (set) => ({
  deskView: 'calls',
  deskViewChosen: (view) =>
    set((state) => (canSeeView(state, view) ? { deskView: view } : {})),
});

/** Team leads and admins see the floor; call-takers never do. */
export function canSeeFloor(state: Pick<DeskState, 'agent'>): boolean {
  return state.agent !== null && isSupervisorRole(state.agent.role);
}

/** Admins search and export the audit log (the server's `audit.read` permission agrees). */
export function canSeeAudit(state: Pick<DeskState, 'agent'>): boolean {
  return state.agent?.role === 'admin';
}

export function canSeeView(state: Pick<DeskState, 'agent'>, view: DeskView): boolean {
  if (view === 'calls') return true;
  return view === 'audit' ? canSeeAudit(state) : canSeeFloor(state);
}
