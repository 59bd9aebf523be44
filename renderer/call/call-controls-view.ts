// What the call controls show, computed from the store without a DOM: which buttons are there and
// usable, the transfer targets in shortcut order, the timeline in words, and the wrap-up choices.
import { DISPOSITIONS, type CallControlState, type CallTimelineEvent, type CallTimelineKind, type Disposition, type TransferTargets } from '../../shared/call-control.js';
import { AWAY_REASONS, type AwayReason } from '../../shared/domain/agent.js';
import { formatClockSeconds } from '../app/format.js';
import { SHORTCUT_KEYS, withShortcut } from '../app/shortcuts.js';
import type { CallState } from '../softphone/call-state.js';
import type { CallControlAction, TransferChoice } from '../stores/call-control-slice.js';

/** 911 first (it is the one that matters most), then departments, then agents. */
export function transferChoices(targets: TransferTargets): TransferChoice[] {
  return [
    { kind: 'emergency_911', name: '911 center' },
    ...targets.departments.map((line): TransferChoice => ({ kind: 'department', code: line.code, name: line.name })),
    ...targets.agents.map((agent): TransferChoice => ({ kind: 'agent', agentId: agent.id, name: agent.displayName })),
  ];
}

export function sameChoice(a: TransferChoice | null, b: TransferChoice): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'department' && b.kind === 'department') return a.code === b.code;
  if (a.kind === 'agent' && b.kind === 'agent') return a.agentId === b.agentId;
  return true;
}

export type ControlButton = {
  id: 'mute' | 'hold' | 'keypad' | 'transfer' | 'completeTransfer' | 'cancelTransfer' | 'hangup';
  label: string;
  title: string;
  shortcut: string;
  enabled: boolean;
  /** For toggles (mute, hold, the drawers): whether it is on. */
  pressed: boolean | null;
};

export type ControlsInput = {
  callState: CallState;
  muted: boolean;
  callControl: CallControlState | null;
  pending: CallControlAction | null;
  drawer: 'none' | 'keypad' | 'transfer' | 'away';
};

/** The live call's buttons. Hold and transfer need the server's view of the call (its id). */
export function liveCallButtons({ callState, muted, callControl, pending, drawer }: ControlsInput): ControlButton[] {
  const live = callState === 'in_call' || callState === 'reconnecting';
  const known = callControl !== null && callControl.phase === 'answered';
  const busy = pending !== null;
  const transfer = callControl?.transfer ?? null;
  const transferring = transfer !== null && (transfer.status === 'dialing' || transfer.status === 'consulting');
  const onHold = callControl?.onHold ?? false;
  const buttons: ControlButton[] = [
    {
      id: 'mute', label: muted ? 'Unmute' : 'Mute', title: withShortcut(muted ? 'Unmute your microphone' : 'Mute your microphone', 'mute'),
      shortcut: SHORTCUT_KEYS.mute, enabled: live, pressed: muted,
    },
    {
      id: 'hold', label: onHold ? 'Resume' : 'Hold', title: withShortcut(onHold ? 'Take the caller off hold' : 'Put the caller on hold', 'hold'),
      shortcut: SHORTCUT_KEYS.hold, enabled: live && known && !busy && !transferring, pressed: onHold,
    },
    {
      id: 'keypad', label: 'Keypad', title: withShortcut('Dial tones (DTMF)', 'keypad'),
      shortcut: SHORTCUT_KEYS.keypad, enabled: live, pressed: drawer === 'keypad',
    },
  ];
  if (transferring) {
    buttons.push(
      {
        id: 'completeTransfer', label: 'Complete transfer', title: withShortcut(`Connect the caller to ${transfer.targetName} and leave`, 'completeTransfer'),
        shortcut: SHORTCUT_KEYS.completeTransfer, enabled: live && !busy && transfer.status === 'consulting', pressed: null,
      },
      {
        id: 'cancelTransfer', label: 'Cancel transfer', title: withShortcut(`Hang up on ${transfer.targetName} and return to the caller`, 'cancelTransfer'),
        shortcut: SHORTCUT_KEYS.cancelTransfer, enabled: live && !busy, pressed: null,
      },
    );
  } else {
    buttons.push({
      id: 'transfer', label: 'Transfer', title: withShortcut('Transfer to a department, an agent or 911', 'transfer'),
      shortcut: SHORTCUT_KEYS.transfer, enabled: live && known && !busy, pressed: drawer === 'transfer',
    });
  }
  buttons.push({
    id: 'hangup', label: 'Hang up', title: withShortcut('End the call', 'hangup'),
    shortcut: SHORTCUT_KEYS.hangup, enabled: callState !== 'ringing' && callState !== 'idle' && callState !== 'ended', pressed: null,
  });
  return buttons;
}

export const TIMELINE_LABELS: Record<CallTimelineKind, string> = {
  received: 'Call received',
  queued: 'Queued',
  offered: 'Ringing',
  declined: 'Declined',
  missed: 'Missed',
  answered: 'Answered',
  hold: 'On hold',
  resume: 'Resumed',
  transfer_started: 'Transfer started',
  transfer_answered: 'Transfer answered',
  transfer_completed: 'Transferred',
  transfer_cancelled: 'Transfer cancelled',
  transfer_failed: 'Transfer failed',
  abandoned: 'Caller hung up in queue',
  ended: 'Ended',
  wrapped_up: 'Wrapped up',
};

export type TimelineRow = { key: string; kind: CallTimelineKind; label: string; at: string; detail: string | null };

export function timelineRows(timeline: readonly CallTimelineEvent[]): TimelineRow[] {
  return timeline.map((event, index) => ({
    key: `${index}-${event.kind}`,
    kind: event.kind,
    label: TIMELINE_LABELS[event.kind],
    at: event.at,
    detail: event.detail,
  }));
}

/**
 * The call's timeline as a case note, so the case keeps the call that made or changed it (ring,
 * answer, hold, transfer, end, wrap-up), synced with the case like any note.
 */
export function callTimelineNote(call: CallControlState): string {
  const heading = `Call from ${call.from}${call.is911Transfer ? ' (911 transfer)' : ''}`;
  const lines = call.timeline.map((event) => {
    const detail = event.detail ? ` — ${event.kind === 'wrapped_up' ? (DISPOSITION_LABELS[event.detail as Disposition] ?? event.detail) : event.detail}` : '';
    const who = event.agentId ? ` (${event.agentId})` : '';
    return `${formatClockSeconds(event.at)} ${TIMELINE_LABELS[event.kind]}${who}${detail}`;
  });
  return [heading, ...lines].join('\n').slice(0, 4000);
}

export const DISPOSITION_LABELS: Record<Disposition, string> = {
  case_created: 'Case created',
  case_updated: 'Case updated',
  information_given: 'Information given',
  transferred: 'Transferred',
  returned_to_911: 'Returned to 911',
  caller_hung_up: 'Caller hung up',
  wrong_number: 'Wrong number',
  duplicate_report: 'Duplicate report',
  other: 'Other',
};

export const AWAY_REASON_LABELS: Record<AwayReason, string> = {
  break: 'Break',
  lunch: 'Lunch',
  meeting: 'Meeting',
  training: 'Training',
  coaching: 'Coaching',
  technical_problem: 'Technical problem',
  other: 'Other',
};

/** The reason under the agent's state badge: an away reason in words, or what the server wrote. */
export function stateReasonText(reason: string | null): string | null {
  if (!reason) return null;
  return (AWAY_REASONS as readonly string[]).includes(reason) ? AWAY_REASON_LABELS[reason as AwayReason] : reason;
}

/** The disposition a wrap-up starts with, from what happened on the call; the agent can change it. */
export function suggestedDisposition(call: CallControlState | null, createdCaseId: string | null): Disposition | null {
  const transfer = call?.transfer;
  if (transfer?.status === 'completed') return transfer.target.kind === 'emergency_911' ? 'returned_to_911' : 'transferred';
  if (createdCaseId) return 'case_created';
  return null;
}

export { DISPOSITIONS };
