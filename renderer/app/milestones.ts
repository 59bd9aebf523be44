// Named app milestones for end-to-end tests and timing: each is appended to
// `window.__frontdesk.events`, dispatched as a `frontdesk` CustomEvent on the window and marked in
// the page's performance timeline.
import { recentLog, type LogEntry } from '../lib/log.js';

export type MilestoneName =
  | 'desk-ready'
  | 'softphone-registered'
  | 'softphone-unregistered'
  | 'call-incoming'
  | 'screen-pop-rendered'
  | 'call-accepted'
  | 'call-ended'
  | 'softphone-error'
  | 'auth-state';

export type Milestone = { name: MilestoneName; at: number; detail?: unknown };

export type FrontdeskProbe = {
  events: Milestone[];
  /** The renderer's recent log, for a look from devtools. */
  readonly log: readonly LogEntry[];
};

/** Where milestones go: the window in the app, a plain object in unit tests. */
export type MilestoneTarget = {
  __frontdesk?: FrontdeskProbe;
  dispatchEvent?: (event: Event) => boolean;
};

export type MilestoneRecorder = (name: MilestoneName, detail?: unknown) => void;

export function createMilestoneRecorder(target: MilestoneTarget, now: () => number = () => performance.now()): MilestoneRecorder {
  const probe: FrontdeskProbe = target.__frontdesk ?? { events: [], log: recentLog() };
  target.__frontdesk = probe;
  return (name, detail) => {
    const milestone: Milestone = { name, at: now() };
    if (detail !== undefined) milestone.detail = detail;
    probe.events.push(milestone);
    // A user-timing mark too, so a devtools trace shows where each milestone fell.
    globalThis.performance?.mark?.(`frontdesk:${name}`);
    target.dispatchEvent?.(new CustomEvent('frontdesk', { detail: { name, detail } }));
  };
}
