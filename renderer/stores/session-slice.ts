// Who is signed in, their availability, and the health of the two links the desk depends on
// (the softphone's registration, the desk host connection).
import type { StateCreator } from 'zustand/vanilla';
import type { SessionInfo } from '../../shared/desk-api.js';
import type { Agent, AgentState } from '../../shared/domain/agent.js';
import type { DeskError } from '../../shared/errors.js';
import type { SoftphoneRegistration } from '../softphone/softphone.js';
import type { DeskState } from './desk-store.js';

export type DeskLink = 'connecting' | 'open' | 'closed';

export type SessionSlice = {
  session: SessionInfo | null;
  agent: Agent | null;
  /** The state the agent asked for and the host has not confirmed yet. */
  agentStatePending: AgentState | null;
  /** What the agent chose (available or away), restored after each call. */
  preferredAgentState: 'available' | 'away';
  softphoneRegistration: SoftphoneRegistration;
  deskLink: DeskLink;
  bootError: DeskError | null;
  /** The latest problem worth telling the agent about (dismissable). */
  notice: DeskError | null;

  sessionLoaded(session: SessionInfo): void;
  agentChanged(agent: Agent): void;
  agentStateRequested(state: AgentState): void;
  agentStateRequestFailed(error: DeskError): void;
  softphoneRegistrationChanged(registration: SoftphoneRegistration): void;
  deskLinkChanged(link: DeskLink): void;
  bootFailed(error: DeskError): void;
  noticeRaised(error: DeskError): void;
  noticeDismissed(): void;
  /** The agent signed out: their session, state and phone go until the next sign-in. */
  signedOut(): void;
};

export const createSessionSlice: StateCreator<DeskState, [], [], SessionSlice> = (set) => ({
  session: null,
  agent: null,
  agentStatePending: null,
  preferredAgentState: 'available',
  softphoneRegistration: 'unregistered',
  deskLink: 'connecting',
  bootError: null,
  notice: null,

  sessionLoaded: (session) => set({ session, agent: session.agent, bootError: null }),
  agentChanged: (agent) =>
    set((state) => {
      // Live events and replies can cross: an older state never replaces a newer one.
      if (state.agent && state.agent.id === agent.id && Date.parse(agent.stateSince) < Date.parse(state.agent.stateSince)) return {};
      return { agent, agentStatePending: state.agentStatePending === agent.state ? null : state.agentStatePending };
    }),
  agentStateRequested: (agentState) =>
    set((state) => ({
      agentStatePending: agentState,
      // Only the agent's own choices become the preference; on_call and wrap_up come and go.
      preferredAgentState: agentState === 'available' || agentState === 'away' ? agentState : state.preferredAgentState,
    })),
  agentStateRequestFailed: (error) => set({ agentStatePending: null, notice: error }),
  softphoneRegistrationChanged: (softphoneRegistration) => set({ softphoneRegistration }),
  deskLinkChanged: (deskLink) => set({ deskLink }),
  bootFailed: (error) => set({ bootError: error }),
  // A refusal because the desk locked meanwhile is the lock screen's to say, not a notice.
  noticeRaised: (error) => set(error.code === 'DESK_LOCKED' ? {} : { notice: error }),
  noticeDismissed: () => set({ notice: null }),
  signedOut: () => set({ session: null, agent: null, agentStatePending: null, softphoneRegistration: 'unregistered', notice: null }),
});
