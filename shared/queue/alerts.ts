// Threshold alerts for team leads: a caller waiting too long, the service level under target, an
// agent too long in one state. Computed on the server (so every screen and the desktop
// notification agree) from the same board the wallboard shows.
import type { AgentState } from '../domain/agent.js';
import type { AlertThresholds, WallboardAlert, WallboardBoard, WallboardCall } from '../live-protocol.js';
import { computeQueueMetrics, DEFAULT_METRICS_CONFIG, factsReceivedBetween, intervalStart, type MetricsConfig } from './metrics.js';

/** A caller still waiting for an agent: in the queue, or offered to an agent who has not answered. */
export const isWaiting = (call: WallboardCall): boolean => call.phase === 'queued' || call.phase === 'ringing';

const STATE_WORDS: Record<AgentState, string> = {
  available: 'available',
  on_call: 'on a call',
  wrap_up: 'in wrap-up',
  away: 'away',
  offline: 'offline',
};

const iso = (ms: number): string => new Date(ms).toISOString();

export function computeAlerts(
  board: WallboardBoard,
  now: Date,
  thresholds: AlertThresholds,
  metricsConfig: MetricsConfig = DEFAULT_METRICS_CONFIG,
): WallboardAlert[] {
  const alerts: WallboardAlert[] = [];
  const nowMs = now.getTime();

  const oldestByQueue = new Map<string, WallboardCall>();
  for (const call of board.calls) {
    if (!isWaiting(call)) continue;
    const oldest = oldestByQueue.get(call.queue);
    if (!oldest || call.receivedAt < oldest.receivedAt) oldestByQueue.set(call.queue, call);
  }
  for (const [queue, call] of [...oldestByQueue].sort(([a], [b]) => a.localeCompare(b))) {
    const overAt = Date.parse(call.receivedAt) + thresholds.oldestWaitSeconds * 1000;
    if (nowMs <= overAt) continue;
    alerts.push({
      id: `oldest_wait:${queue}`,
      kind: 'oldest_wait',
      subject: queue,
      message: `A caller in ${queue} has waited over ${thresholds.oldestWaitSeconds} s`,
      since: iso(overAt),
    });
  }

  if (thresholds.serviceLevel) {
    const start = intervalStart(now);
    const metrics = computeQueueMetrics(factsReceivedBetween(board.calls, start, new Date(nowMs + 1)), metricsConfig);
    if (metrics.serviceLevel !== null && metrics.meetsTarget === false) {
      alerts.push({
        id: 'service_level:interval',
        kind: 'service_level',
        subject: 'all queues',
        message: `Service level ${Math.round(metrics.serviceLevel * 100)}% this interval, under the ${Math.round(metricsConfig.serviceLevelTarget * 100)}% target`,
        since: start.toISOString(),
      });
    }
  }

  for (const agent of board.agents) {
    if (agent.state === 'offline') continue;
    const minutes = thresholds.agentStateMinutes[agent.state];
    if (minutes === undefined) continue;
    const overAt = Date.parse(agent.stateSince) + minutes * 60_000;
    if (nowMs <= overAt) continue;
    alerts.push({
      id: `agent_state:${agent.id}:${agent.state}`,
      kind: 'agent_state',
      subject: agent.id,
      message: `${agent.displayName} has been ${STATE_WORDS[agent.state]} for over ${minutes} min`,
      since: iso(overAt),
    });
  }
  return alerts;
}
