// Which view fills the workspace: the call view every agent has, or the floor (the wallboard with
// the supervisor controls) and the triage protocol editor, which only team leads and admins can switch to.
import type { StateCreator } from 'zustand/vanilla';
import { isSupervisorRole } from '../../shared/supervisor-api.js';
import type { DeskState } from './desk-store.js';

export type DeskView = 'calls' | 'floor' | 'protocols';

export type ViewSlice = {
  deskView: DeskView;
  /** Ignored for agents whose role does not see the floor. */
  deskViewChosen(view: DeskView): void;
};

export const createViewSlice: StateCreator<DeskState, [], [], ViewSlice> = (set) => ({
  deskView: 'calls',
  deskViewChosen: (view) =>
    set((state) => (view !== 'calls' && !canSeeFloor(state) ? {} : { deskView: view })),
});

/** Team leads and admins see the floor; call-takers never do. */
export function canSeeFloor(state: Pick<DeskState, 'agent'>): boolean {
  return state.agent !== null && isSupervisorRole(state.agent.role);
}
