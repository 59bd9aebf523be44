// Display formats used across the desk: times, dates, durations, counts, and the words the agent
// sees for states and outcomes.
import type { AgentState } from '../../shared/domain/agent.js';
import type { ServiceRequestStatus } from '../../shared/domain/service-request.js';
import type { CallEndReason } from '../softphone/call-state.js';

const pad = (value: number) => String(value).padStart(2, '0');

/** "14:05" in the agent's local time. */
export function formatClock(iso: string | number | Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--';
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "14:05:09", for a call's timeline where steps are seconds apart. */
export function formatClockSeconds(iso: string | number | Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// One formatter for every date: `toLocaleDateString` builds a new one per call, which made case
// dates the dearest part of rendering a screen pop.
const DATE_FORMAT = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' });

/** "Mar 4, 2025" for case dates. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return DATE_FORMAT.format(date);
}

/** "4:07" or "1:02:09" for call timers. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export const AGENT_STATE_LABELS: Record<AgentState, string> = {
  available: 'Available',
  on_call: 'On a call',
  wrap_up: 'Wrap-up',
  away: 'Away',
  offline: 'Offline',
};

export const CASE_STATUS_LABELS: Record<ServiceRequestStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  closed: 'Closed',
};

export const CALL_OUTCOME_LABELS: Record<CallEndReason, string> = {
  caller_cancelled: 'Caller hung up before answer',
  agent_declined: 'Declined',
  agent_hung_up: 'You hung up',
  caller_hung_up: 'Caller hung up',
  failed: 'Call failed',
};
