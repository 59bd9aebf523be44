// The team lead's controls on the wallboard, as pure view logic: which state, skill, priority,
// assign and listen/coach/barge controls each agent row, waiting call and live call offers, and
// the small panel state behind them (drafts, choices, pending requests, refusals). The
// SupervisorController runs the actions through SupervisorActions; the server decides.
import { AWAY_REASONS, type Agent, type AgentState, type AwayReason } from '../../shared/domain/agent.js';
import { toDeskError } from '../../shared/errors.js';
import type { WallboardBoard } from '../../shared/live-protocol.js';
import { isWaiting } from '../../shared/queue/alerts.js';
import { MONITOR_MODES, type CallPriority, type MonitorMode } from '../../shared/supervisor-api.js';
import { AWAY_REASON_LABELS } from '../call/call-controls-view.js';
import type { SupervisorActions } from './supervisor-actions.js';

/** Skills the editor always offers; an agent's other skills (a configured queue) are shown too. */
export const KNOWN_SKILLS = ['general', 'triage'] as const;
export const SKILL_LABELS: Record<string, string> = { general: 'General', triage: '911 transfers (triage)' };
/** A queue's calls need the skill of the same name (server/telephony/router.ts QUEUE_SKILL). */
const skillForQueue = (queue: string): string => queue;

export const MONITOR_LABELS: Record<MonitorMode, string> = { listen: 'Listen', coach: 'Coach', barge: 'Barge in' };
const SETTABLE_STATES = ['available', 'away', 'offline'] as const;
type SettableState = (typeof SETTABLE_STATES)[number];
const SET_STATE_LABELS: Record<SettableState, string> = { available: 'Make available', away: 'Set away', offline: 'Log off' };

export interface SupervisorPanelState {
  /** Skills being edited, by agent; absent when the editor is closed. */
  skillDrafts: Record<string, string[]>;
  /** The away reason picked in each agent's row. */
  awayReasons: Record<string, AwayReason>;
  /** The agent picked in each waiting call's assign list. */
  assignees: Record<string, string>;
  /** Requests in flight, by target ("agent:<id>", "call:<id>"). */
  pending: Record<string, true>;
  /** The server's last refusal, by target. */
  errors: Record<string, string>;
  /** Where this lead is listening, coaching or barging in. */
  monitoring: { callId: string; mode: MonitorMode } | null;
  /** Priorities this lead set: the board does not carry them. */
  priorities: Record<string, CallPriority>;
}

export const INITIAL_PANEL_STATE: SupervisorPanelState = {
  skillDrafts: {}, awayReasons: {}, assignees: {}, pending: {}, errors: {}, monitoring: null, priorities: {},
};

export type SupervisorPanelAction =
  | { type: 'editSkills'; agentId: string; skills: string[] }
  | { type: 'toggleSkill'; agentId: string; skill: string }
  | { type: 'closeSkills'; agentId: string }
  | { type: 'chooseAwayReason'; agentId: string; reason: AwayReason }
  | { type: 'chooseAssignee'; callId: string; agentId: string }
  | { type: 'started'; key: string }
  | { type: 'failed'; key: string; message: string }
  | { type: 'succeeded'; key: string }
  | { type: 'monitoring'; callId: string; mode: MonitorMode | null }
  | { type: 'prioritized'; callId: string; priority: CallPriority };

export const agentKey = (agentId: string): string => `agent:${agentId}`;
export const callKey = (callId: string): string => `call:${callId}`;

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

export function reducePanel(state: SupervisorPanelState, action: SupervisorPanelAction): SupervisorPanelState {
  switch (action.type) {
    case 'editSkills':
      return { ...state, skillDrafts: { ...state.skillDrafts, [action.agentId]: [...action.skills] } };
    case 'toggleSkill': {
      const draft = state.skillDrafts[action.agentId];
      if (!draft) return state;
      const next = draft.includes(action.skill) ? draft.filter((skill) => skill !== action.skill) : [...draft, action.skill];
      return { ...state, skillDrafts: { ...state.skillDrafts, [action.agentId]: next } };
    }
    case 'closeSkills':
      return { ...state, skillDrafts: without(state.skillDrafts, action.agentId) };
    case 'chooseAwayReason':
      return { ...state, awayReasons: { ...state.awayReasons, [action.agentId]: action.reason } };
    case 'chooseAssignee':
      return { ...state, assignees: { ...state.assignees, [action.callId]: action.agentId } };
    case 'started':
      return { ...state, pending: { ...state.pending, [action.key]: true }, errors: without(state.errors, action.key) };
    case 'failed':
      return { ...state, pending: without(state.pending, action.key), errors: { ...state.errors, [action.key]: action.message } };
    case 'succeeded':
      return { ...state, pending: without(state.pending, action.key) };
    case 'monitoring':
      return { ...state, monitoring: action.mode ? { callId: action.callId, mode: action.mode } : null };
    case 'prioritized':
      return { ...state, priorities: { ...state.priorities, [action.callId]: action.priority } };
  }
}

export interface AgentControlsView {
  agentId: string;
  /** Why nothing can be changed now ("On a call"), or null. */
  blocked: string | null;
  states: Array<{ state: SettableState; label: string; disabled: boolean }>;
  awayReason: AwayReason;
  awayReasons: Array<{ value: AwayReason; label: string }>;
  skills: { editing: boolean; options: Array<{ skill: string; label: string; checked: boolean }> };
  pending: boolean;
  error: string | null;
}

export interface WaitingCallControlsView {
  callId: string;
  priority: CallPriority;
  priorityToggle: { to: CallPriority; label: string };
  /** Agents who could take it now (available, with the queue's skill, nothing ringing); none while it rings. */
  assignees: Array<{ agentId: string; name: string }>;
  assignee: string | null;
  pending: boolean;
  error: string | null;
}

export interface LiveCallControlsView {
  callId: string;
  modes: Array<{ mode: MonitorMode; label: string; active: boolean; disabled: boolean }>;
  /** Why the modes are off ("Leave the other call first"), or null. */
  blocked: string | null;
  canLeave: boolean;
  pending: boolean;
  error: string | null;
}

export interface SupervisorView {
  agents: Record<string, AgentControlsView>;
  waitingCalls: Record<string, WaitingCallControlsView>;
  liveCalls: Record<string, LiveCallControlsView>;
}

function agentControls(agent: Agent, panel: SupervisorPanelState): AgentControlsView {
  const key = agentKey(agent.id);
  const pending = key in panel.pending;
  const blocked = agent.state === 'on_call' ? 'On a call: states change once the call is over' : null;
  const draft = panel.skillDrafts[agent.id];
  const shown = draft ?? agent.skills;
  const skillNames = [...new Set<string>([...KNOWN_SKILLS, ...agent.skills, ...shown])];
  return {
    agentId: agent.id,
    blocked,
    // The current state is not offered again, except away, whose reason a lead may change.
    states: SETTABLE_STATES.map((state) => ({
      state, label: SET_STATE_LABELS[state], disabled: pending || blocked !== null || (state === agent.state && state !== 'away'),
    })),
    awayReason: panel.awayReasons[agent.id] ?? 'break',
    awayReasons: AWAY_REASONS.map((value) => ({ value, label: AWAY_REASON_LABELS[value] })),
    skills: {
      editing: draft !== undefined,
      options: skillNames.map((skill) => ({ skill, label: SKILL_LABELS[skill] ?? skill, checked: shown.includes(skill) })),
    },
    pending,
    error: panel.errors[key] ?? null,
  };
}

/** The controls for every agent, waiting call and live call on the board. */
export function buildSupervisorView(board: WallboardBoard | null, panel: SupervisorPanelState): SupervisorView {
  const view: SupervisorView = { agents: {}, waitingCalls: {}, liveCalls: {} };
  if (!board) return view;
  for (const agent of board.agents) view.agents[agent.id] = agentControls(agent, panel);

  const ringing = new Set(board.calls.filter((call) => call.phase === 'ringing' && call.agentId).map((call) => call.agentId));
  for (const call of board.calls.filter(isWaiting)) {
    const key = callKey(call.callId);
    const priority = panel.priorities[call.callId] ?? 'normal';
    // A call ringing an agent is already offered; it can be assigned once it is back in the queue.
    const assignees = call.phase !== 'queued' ? [] : board.agents
      .filter((agent) => agent.state === 'available' && agent.skills.includes(skillForQueue(call.queue)) && !ringing.has(agent.id))
      .map((agent) => ({ agentId: agent.id, name: agent.displayName }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const chosen = panel.assignees[call.callId];
    view.waitingCalls[call.callId] = {
      callId: call.callId,
      priority,
      priorityToggle: priority === 'high' ? { to: 'normal', label: 'Back to normal priority' } : { to: 'high', label: 'Raise priority' },
      assignees,
      assignee: assignees.some((agent) => agent.agentId === chosen) ? (chosen as string) : (assignees[0]?.agentId ?? null),
      pending: key in panel.pending,
      error: panel.errors[key] ?? null,
    };
  }

  const live = board.calls.filter((call) => call.phase === 'answered' && call.agentId !== null);
  // A monitored call that is over is no longer where the lead is.
  const monitoring = panel.monitoring && live.some((call) => call.callId === panel.monitoring?.callId) ? panel.monitoring : null;
  for (const call of live) {
    const key = callKey(call.callId);
    const pending = key in panel.pending;
    const elsewhere = monitoring !== null && monitoring.callId !== call.callId;
    view.liveCalls[call.callId] = {
      callId: call.callId,
      modes: MONITOR_MODES.map((mode) => {
        const active = monitoring?.callId === call.callId && monitoring.mode === mode;
        return { mode, label: MONITOR_LABELS[mode], active, disabled: pending || elsewhere || active };
      }),
      blocked: elsewhere ? 'Leave the other call first' : null,
      canLeave: monitoring?.callId === call.callId && !pending,
      pending,
      error: panel.errors[key] ?? null,
    };
  }
  return view;
}

/** Runs the lead's actions through SupervisorActions and keeps the panel state; one request per target at a time. */
export class SupervisorController {
  private state: SupervisorPanelState = INITIAL_PANEL_STATE;

  constructor(
    private readonly actions: SupervisorActions,
    private readonly onChange: (state: SupervisorPanelState) => void = () => undefined,
  ) {}

  get current(): SupervisorPanelState {
    return this.state;
  }

  dispatch(action: SupervisorPanelAction): void {
    const next = reducePanel(this.state, action);
    if (next === this.state) return;
    this.state = next;
    this.onChange(next);
  }

  setAgentState(agentId: string, state: AgentState): Promise<boolean> {
    const reason = state === 'away' ? (this.state.awayReasons[agentId] ?? 'break') : null;
    return this.run(agentKey(agentId), () => this.actions.setAgentState(agentId, state, reason));
  }

  async saveSkills(agentId: string): Promise<boolean> {
    const draft = this.state.skillDrafts[agentId];
    if (!draft) return false;
    const saved = await this.run(agentKey(agentId), () => this.actions.setAgentSkills(agentId, draft));
    if (saved) this.dispatch({ type: 'closeSkills', agentId });
    return saved;
  }

  async monitor(callId: string, mode: MonitorMode): Promise<boolean> {
    const done = await this.run(callKey(callId), () => this.actions.monitorCall(callId, mode));
    if (done) this.dispatch({ type: 'monitoring', callId, mode });
    return done;
  }

  async leave(callId: string): Promise<boolean> {
    const done = await this.run(callKey(callId), () => this.actions.leaveCall(callId));
    if (done) this.dispatch({ type: 'monitoring', callId, mode: null });
    return done;
  }

  async setPriority(callId: string, priority: CallPriority): Promise<boolean> {
    const done = await this.run(callKey(callId), () => this.actions.setCallPriority(callId, priority));
    if (done) this.dispatch({ type: 'prioritized', callId, priority });
    return done;
  }

  /** Offers the call to `agentId`, or to the agent picked in its list. */
  assign(callId: string, agentId: string): Promise<boolean> {
    return this.run(callKey(callId), () => this.actions.assignCall(callId, agentId));
  }

  /** True when the server accepted; a refusal is kept as the target's error, shown in its row. */
  private async run(key: string, request: () => Promise<unknown>): Promise<boolean> {
    if (key in this.state.pending) return false;
    this.dispatch({ type: 'started', key });
    try {
      await request();
      this.dispatch({ type: 'succeeded', key });
      return true;
    } catch (error) {
      this.dispatch({ type: 'failed', key, message: toDeskError(error).message });
      return false;
    }
  }
}
