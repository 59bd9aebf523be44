// The DeskApi methods of the team lead's wallboard: the feed's watch leases and resync go to the
// relay; preferences and supervisor actions are forwarded to the server, which checks the role
// and audits. Like call control, none of it is queued: offline, they fail at once.
import type { DeskApi } from '../../../shared/desk-api.js';
import { AgentSchema } from '../../../shared/domain/agent.js';
import { DeskFailure } from '../../../shared/errors.js';
import { LIVE_PREFERENCES_PATH, WallboardPreferencesSchema } from '../../../shared/live-protocol.js';
import {
  AssignResponseSchema, MonitorSessionSchema, PriorityResponseSchema, SUPERVISOR_PATH,
} from '../../../shared/supervisor-api.js';
import type { ServerSession } from '../sync/server-session.js';
import type { WallboardRelay } from './wallboard-relay.js';

export type WallboardDeskMethods = Pick<
  DeskApi,
  | 'watchWallboard' | 'unwatchWallboard' | 'resyncWallboard' | 'getWallboardPreferences' | 'saveWallboardPreferences'
  | 'supervisorSetAgentState' | 'supervisorSetAgentSkills' | 'monitorCall' | 'leaveMonitoredCall' | 'setCallPriority' | 'assignCall'
>;

export interface WallboardDeskParts {
  relay: Pick<WallboardRelay, 'watch' | 'unwatch' | 'resync'>;
  session: Pick<ServerSession, 'forward' | 'agentUpdated'>;
  /** The sync loop's verdict: when it says offline, a request would only wait for its timeout. */
  offlineSince: () => string | null;
}

export function createWallboardDesk({ relay, session, offlineSince }: WallboardDeskParts): WallboardDeskMethods {
  const online = <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const since = offlineSince();
    if (since !== null) {
      return Promise.reject(
        new DeskFailure('SERVER_UNREACHABLE', `Cannot ${what}: the central server has been unreachable since ${since}.`, { offlineSince: since }),
      );
    }
    return run();
  };
  const agentPath = (agentId: string, what: string) => `${SUPERVISOR_PATH}/agents/${encodeURIComponent(agentId)}/${what}`;
  const callPath = (callId: string, what: string) => `${SUPERVISOR_PATH}/calls/${encodeURIComponent(callId)}/${what}`;

  return {
    watchWallboard: async ({ watcherId }) => relay.watch(watcherId),
    unwatchWallboard: async ({ watcherId }) => {
      relay.unwatch(watcherId);
      return { ok: true };
    },
    resyncWallboard: async () => {
      relay.resync();
      return { ok: true };
    },
    getWallboardPreferences: () =>
      online('load the wallboard preferences', () => session.forward('GET', LIVE_PREFERENCES_PATH, undefined, WallboardPreferencesSchema, 'wallboard preferences')),
    saveWallboardPreferences: (preferences) =>
      online('save the wallboard preferences', () => session.forward('PUT', LIVE_PREFERENCES_PATH, preferences, WallboardPreferencesSchema, 'wallboard preferences')),
    supervisorSetAgentState: ({ agentId, ...request }) =>
      online("change the agent's state", async () => {
        const agent = await session.forward('PUT', agentPath(agentId, 'state'), request, AgentSchema, 'agent');
        // A lead who changes their own state sees it in the status bar too.
        session.agentUpdated(agent);
        return agent;
      }),
    supervisorSetAgentSkills: ({ agentId, ...request }) =>
      online("change the agent's skills", () => session.forward('PUT', agentPath(agentId, 'skills'), request, AgentSchema, 'agent')),
    monitorCall: ({ callId, ...request }) =>
      online('join the call', () => session.forward('POST', callPath(callId, 'monitor'), request, MonitorSessionSchema, 'monitor session')),
    leaveMonitoredCall: ({ callId }) =>
      online('leave the call', () => session.forward('DELETE', callPath(callId, 'monitor'), undefined, MonitorSessionSchema, 'monitor session')),
    setCallPriority: ({ callId, ...request }) =>
      online("change the call's priority", () => session.forward('POST', callPath(callId, 'priority'), request, PriorityResponseSchema, 'priority')),
    assignCall: ({ callId, ...request }) =>
      online('assign the call', () => session.forward('POST', callPath(callId, 'assign'), request, AssignResponseSchema, 'assignment')),
  };
}
