// The wallboard over the DeskApi, as the renderer must reach it: the feed is the host's relay
// (`watchWallboard` leases and `wallboard` events), the supervisor actions and the preferences
// are DeskApi methods the host forwards to the server. The renderer never talks to the server.
import type { DeskClient } from '../../shared/desk-api.js';
import { LiveClientMessageSchema } from '../../shared/live-protocol.js';
import type { SupervisorActions } from './supervisor-actions.js';
import type { WallboardSource } from './wallboard-connection.js';
import type { WallboardPreferenceStore } from './WallboardView.js';

export interface DeskWallboardSourceOptions {
  /** A fresh id per opened link, so the host can tell a new watcher (who needs a snapshot) from a renewal. */
  newWatcherId?: () => string;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

function randomWatcherId(): string {
  // randomUUID needs a secure context; 127.0.0.1 and the app's own pages are, but do not depend on it.
  const random = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}${Math.random()}`;
  return `wb-${random.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`;
}

/**
 * A link lasts while the host's socket to the feed is up: the host's `feed_down`, a failed watch or
 * renewal end it, and the connection reopens with backoff (WallboardConnection).
 */
export function deskWallboardSource(desk: DeskClient, options: DeskWallboardSourceOptions = {}): WallboardSource {
  const every = options.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms));
  const stopEvery = options.clearInterval ?? ((handle: unknown) => clearInterval(handle as ReturnType<typeof setInterval>));
  return {
    open(handlers) {
      const watcherId = (options.newWatcherId ?? randomWatcherId)();
      let ended = false;
      let renewal: unknown = null;
      const end = () => {
        if (ended) return;
        ended = true;
        unsubscribe();
        if (renewal !== null) stopEvery(renewal);
        void desk.unwatchWallboard({ watcherId }).catch(() => undefined);
        handlers.closed();
      };
      // Subscribed before the watch, so the snapshot the host asks for on our behalf is not missed.
      const unsubscribe = desk.on('wallboard', (message) => {
        if (ended) return;
        if (message.type === 'feed_down') end();
        else handlers.message(JSON.stringify(message));
      });
      const renew = () =>
        desk.watchWallboard({ watcherId }).then(
          (status) => {
            if (status.feed === 'down') end();
            return status;
          },
          () => {
            end();
            return null;
          },
        );
      void renew().then((status) => {
        if (ended || status === null) return;
        renewal = every(() => void renew(), Math.max(1_000, Math.floor(status.leaseMs / 3)));
      });
      return {
        send(text) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            return;
          }
          if (ended || !LiveClientMessageSchema.safeParse(parsed).success) return;
          // A resync that fails means the host is gone; the renewal notices and ends the link.
          void desk.resyncWallboard({}).catch(() => undefined);
        },
        close: end,
      };
    },
  };
}

export function deskSupervisorActions(desk: DeskClient): SupervisorActions {
  return {
    setAgentState: (agentId, state, reason) => desk.supervisorSetAgentState({ agentId, state, reason }),
    setAgentSkills: (agentId, skills) => desk.supervisorSetAgentSkills({ agentId, skills }),
    monitorCall: (callId, mode) => desk.monitorCall({ callId, mode }),
    leaveCall: (callId) => desk.leaveMonitoredCall({ callId }),
    setCallPriority: (callId, priority) => desk.setCallPriority({ callId, priority }),
    assignCall: (callId, agentId) => desk.assignCall({ callId, agentId }),
  };
}

export function deskWallboardPreferences(desk: DeskClient): WallboardPreferenceStore {
  return {
    load: () => desk.getWallboardPreferences({}),
    save: async (preferences) => {
      await desk.saveWallboardPreferences(preferences);
    },
  };
}
