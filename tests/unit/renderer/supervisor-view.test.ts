// The team lead's wallboard controls without a DOM: what each agent row, waiting call and live
// call offers from the board, and the controller running actions through a fake SupervisorActions
// (requests made, one at a time per row, refusals shown in the row, monitoring followed).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/domain/agent.js';
import { DeskFailure } from '../../../shared/errors.js';
import type { WallboardBoard, WallboardCall } from '../../../shared/live-protocol.js';
import { AgentControls, LiveCallControls, WaitingCallControls } from '../../../renderer/queue/SupervisorControls.js';
import type { SupervisorActions } from '../../../renderer/queue/supervisor-actions.js';
import { buildSupervisorView, INITIAL_PANEL_STATE, SupervisorController } from '../../../renderer/queue/supervisor-view.js';

const NOW = Date.parse('2026-12-01T15:00:00.000Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

function agent(id: string, displayName: string, state: Agent['state'], skills: string[], stateReason: string | null = null): Agent {
  return { id, displayName, role: 'call_taker', skills, state, stateSince: ago(60), stateReason };
}

function call(callId: string, phase: WallboardCall['phase'], over: Partial<WallboardCall> = {}): WallboardCall {
  return {
    callId, queue: 'general', is911Transfer: false, phase, agentId: null, onHold: false, receivedAt: ago(30), answeredAt: null,
    abandonedAt: null, endedAt: null, talkSeconds: null, holdSeconds: null, wrapUpSeconds: null, returnedTo911: false, ...over,
  };
}

const BOARD: WallboardBoard = {
  dayStart: ago(3600),
  agents: [
    agent('ana', 'Ana Ortiz', 'available', ['general']),
    agent('ben', 'Ben Shah', 'on_call', ['general', 'triage']),
    agent('cal', 'Cal Wu', 'away', ['general'], 'lunch'),
    agent('dee', 'Dee Park', 'available', ['general', 'triage']),
    agent('eli', 'Eli Rowe', 'available', ['general', 'triage']),
    agent('fay', 'Fay Ng', 'on_call', ['general']),
  ],
  calls: [
    call('live-1', 'answered', { agentId: 'ben', answeredAt: ago(20) }),
    call('live-2', 'answered', { agentId: 'fay', answeredAt: ago(10) }),
    call('waiting-general', 'queued'),
    call('waiting-911', 'queued', { queue: 'triage', is911Transfer: true }),
    call('ringing-eli', 'ringing', { agentId: 'eli' }),
    call('over', 'ended', { agentId: 'ana', answeredAt: ago(300), endedAt: ago(200) }),
  ],
};

/** Records every request; `refuse` makes the next one fail as the server would; `hold` keeps it in flight. */
class FakeActions implements SupervisorActions {
  readonly requests: Array<[string, ...unknown[]]> = [];
  refuse: DeskFailure | null = null;
  private held: Array<() => void> = [];
  hold = false;

  release(): void {
    for (const go of this.held.splice(0)) go();
  }

  private async answer<T>(request: [string, ...unknown[]], value: T): Promise<T> {
    this.requests.push(request);
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    const refusal = this.refuse;
    this.refuse = null;
    if (refusal) throw refusal;
    return value;
  }

  setAgentState(agentId: string, state: Agent['state'], reason: Agent['stateReason']) {
    const found = BOARD.agents.find((candidate) => candidate.id === agentId) as Agent;
    return this.answer(['setAgentState', agentId, state, reason], { ...found, state, stateReason: reason });
  }
  setAgentSkills(agentId: string, skills: string[]) {
    const found = BOARD.agents.find((candidate) => candidate.id === agentId) as Agent;
    return this.answer(['setAgentSkills', agentId, skills], { ...found, skills });
  }
  monitorCall(callId: string, mode: 'listen' | 'coach' | 'barge') {
    return this.answer(['monitorCall', callId, mode], { callId, supervisorId: 'lead', mode, legSid: null });
  }
  leaveCall(callId: string) {
    return this.answer(['leaveCall', callId], { callId, supervisorId: 'lead', mode: null, legSid: null });
  }
  setCallPriority(callId: string, priority: 'normal' | 'high') {
    return this.answer(['setCallPriority', callId, priority], { callId, priority });
  }
  assignCall(callId: string, agentId: string) {
    return this.answer(['assignCall', callId, agentId], { callId, agentId });
  }
}

function setUp() {
  const actions = new FakeActions();
  const changes: number[] = [];
  const controller = new SupervisorController(actions, () => changes.push(changes.length));
  const view = () => buildSupervisorView(BOARD, controller.current);
  return { actions, controller, view, changes };
}

describe('buildSupervisorView', () => {
  it('offers state changes the state machine allows, and none to an agent on a call', () => {
    const view = buildSupervisorView(BOARD, INITIAL_PANEL_STATE);
    const enabled = (id: string) => view.agents[id]?.states.filter((button) => !button.disabled).map((button) => button.state);
    expect(enabled('ana')).toEqual(['away', 'offline']);
    // Away stays on offer to an away agent: a lead may change the reason.
    expect(enabled('cal')).toEqual(['available', 'away', 'offline']);
    expect(enabled('ben')).toEqual([]);
    expect(view.agents.ben?.blocked).toContain('On a call');
    expect(view.agents.ana?.awayReason).toBe('break');
    expect(view.agents.ana?.skills).toEqual({
      editing: false,
      options: [
        { skill: 'general', label: 'General', checked: true },
        { skill: 'triage', label: '911 transfers (triage)', checked: false },
      ],
    });
  });

  it('lists only waiting calls, each with the agents who could take it now', () => {
    const view = buildSupervisorView(BOARD, INITIAL_PANEL_STATE);
    expect(Object.keys(view.waitingCalls).sort()).toEqual(['ringing-eli', 'waiting-911', 'waiting-general']);
    // Not the agent on a call, away, or with a call ringing; alphabetical.
    expect(view.waitingCalls['waiting-general']?.assignees).toEqual([{ agentId: 'ana', name: 'Ana Ortiz' }, { agentId: 'dee', name: 'Dee Park' }]);
    expect(view.waitingCalls['waiting-general']?.assignee).toBe('ana');
    expect(view.waitingCalls['waiting-911']?.assignees.map((option) => option.agentId)).toEqual(['dee']);
    expect(view.waitingCalls['ringing-eli']?.assignees).toEqual([]);
    expect(view.waitingCalls['waiting-general']?.priorityToggle).toEqual({ to: 'high', label: 'Raise priority' });
  });

  it('offers listen, coach and barge on every answered call', () => {
    const view = buildSupervisorView(BOARD, INITIAL_PANEL_STATE);
    expect(Object.keys(view.liveCalls).sort()).toEqual(['live-1', 'live-2']);
    expect(view.liveCalls['live-1']).toMatchObject({ canLeave: false, blocked: null });
    expect(view.liveCalls['live-1']?.modes.map((mode) => [mode.mode, mode.disabled])).toEqual([['listen', false], ['coach', false], ['barge', false]]);
  });

  it('returns no controls before the board arrives', () => {
    expect(buildSupervisorView(null, INITIAL_PANEL_STATE)).toEqual({ agents: {}, waitingCalls: {}, liveCalls: {} });
  });
});

describe('SupervisorController', () => {
  it('sends the away reason picked in the row, or break', async () => {
    const { actions, controller } = setUp();
    await controller.setAgentState('ana', 'away');
    controller.dispatch({ type: 'chooseAwayReason', agentId: 'cal', reason: 'meeting' });
    await controller.setAgentState('cal', 'away');
    await controller.setAgentState('cal', 'available');
    expect(actions.requests).toEqual([
      ['setAgentState', 'ana', 'away', 'break'],
      ['setAgentState', 'cal', 'away', 'meeting'],
      ['setAgentState', 'cal', 'available', null],
    ]);
  });

  it('runs one request per row at a time and shows it pending', async () => {
    const { actions, controller, view } = setUp();
    actions.hold = true;
    const first = controller.setAgentState('ana', 'offline');
    expect(view().agents.ana?.pending).toBe(true);
    expect(view().agents.ana?.states.every((button) => button.disabled)).toBe(true);
    expect(await controller.setAgentState('ana', 'away')).toBe(false);
    actions.release();
    expect(await first).toBe(true);
    expect(actions.requests).toEqual([['setAgentState', 'ana', 'offline', null]]);
    expect(view().agents.ana?.pending).toBe(false);
  });

  it("shows the server's refusal in the row until the next try", async () => {
    const { actions, controller, view } = setUp();
    actions.refuse = new DeskFailure('STATE_CONFLICT', 'cannot go from on_call to offline: finish the live call first');
    expect(await controller.setAgentState('ben', 'offline')).toBe(false);
    expect(view().agents.ben?.error).toBe('cannot go from on_call to offline: finish the live call first');
    expect(view().agents.ana?.error).toBeNull();
    await controller.setAgentState('ben', 'offline');
    expect(view().agents.ben?.error).toBeNull();
  });

  it('edits skills as a draft, saves them, and keeps the editor open when refused', async () => {
    const { actions, controller, view } = setUp();
    controller.dispatch({ type: 'editSkills', agentId: 'ana', skills: ['general'] });
    controller.dispatch({ type: 'toggleSkill', agentId: 'ana', skill: 'triage' });
    controller.dispatch({ type: 'toggleSkill', agentId: 'ana', skill: 'general' });
    expect(view().agents.ana?.skills.editing).toBe(true);
    expect(view().agents.ana?.skills.options.filter((option) => option.checked).map((option) => option.skill)).toEqual(['triage']);

    actions.refuse = new DeskFailure('FORBIDDEN', 'only team leads and admins can do this');
    expect(await controller.saveSkills('ana')).toBe(false);
    expect(view().agents.ana?.skills.editing).toBe(true);
    expect(view().agents.ana?.error).toBe('only team leads and admins can do this');

    expect(await controller.saveSkills('ana')).toBe(true);
    expect(view().agents.ana?.skills.editing).toBe(false);
    expect(actions.requests.map((request) => request.slice(0, 3))).toEqual([
      ['setAgentSkills', 'ana', ['triage']],
      ['setAgentSkills', 'ana', ['triage']],
    ]);
    // Nothing to save without an open editor.
    expect(await controller.saveSkills('dee')).toBe(false);
  });

  it('follows where the lead listens, coaches or barges, one call at a time', async () => {
    const { actions, controller, view } = setUp();
    await controller.monitor('live-1', 'listen');
    const listening = view().liveCalls['live-1'];
    expect(listening?.modes.map((mode) => [mode.mode, mode.active, mode.disabled])).toEqual([
      ['listen', true, true], ['coach', false, false], ['barge', false, false],
    ]);
    expect(listening?.canLeave).toBe(true);
    expect(view().liveCalls['live-2']).toMatchObject({ blocked: 'Leave the other call first', canLeave: false });
    expect(view().liveCalls['live-2']?.modes.every((mode) => mode.disabled)).toBe(true);

    await controller.monitor('live-1', 'coach');
    expect(view().liveCalls['live-1']?.modes.find((mode) => mode.active)?.mode).toBe('coach');
    // A refused switch leaves the lead where they were.
    actions.refuse = new DeskFailure('STATE_CONFLICT', 'your line into this call is still connecting; try again in a moment');
    await controller.monitor('live-1', 'barge');
    expect(view().liveCalls['live-1']?.modes.find((mode) => mode.active)?.mode).toBe('coach');
    expect(view().liveCalls['live-1']?.error).toContain('still connecting');

    await controller.leave('live-1');
    expect(view().liveCalls['live-1']?.canLeave).toBe(false);
    expect(view().liveCalls['live-2']?.blocked).toBeNull();
    expect(actions.requests).toEqual([
      ['monitorCall', 'live-1', 'listen'], ['monitorCall', 'live-1', 'coach'], ['monitorCall', 'live-1', 'barge'], ['leaveCall', 'live-1'],
    ]);
  });

  it('forgets a monitored call once it is no longer live on the board', async () => {
    const { controller } = setUp();
    await controller.monitor('live-1', 'barge');
    const after = { ...BOARD, calls: BOARD.calls.filter((candidate) => candidate.callId !== 'live-1') };
    expect(buildSupervisorView(after, controller.current).liveCalls['live-2']).toMatchObject({ blocked: null });
  });

  it('raises and lowers priority, and assigns to the agent picked', async () => {
    const { actions, controller, view } = setUp();
    await controller.setPriority('waiting-general', 'high');
    expect(view().waitingCalls['waiting-general']).toMatchObject({ priority: 'high', priorityToggle: { to: 'normal', label: 'Back to normal priority' } });
    controller.dispatch({ type: 'chooseAssignee', callId: 'waiting-general', agentId: 'dee' });
    expect(view().waitingCalls['waiting-general']?.assignee).toBe('dee');
    // A pick that is no longer on offer falls back to the first who is.
    controller.dispatch({ type: 'chooseAssignee', callId: 'waiting-911', agentId: 'ana' });
    expect(view().waitingCalls['waiting-911']?.assignee).toBe('dee');
    await controller.assign('waiting-general', 'dee');
    expect(actions.requests).toEqual([['setCallPriority', 'waiting-general', 'high'], ['assignCall', 'waiting-general', 'dee']]);
  });
});

describe('supervisor controls markup', () => {
  it('renders each control with its test id', () => {
    const { controller } = setUp();
    const view = buildSupervisorView(BOARD, INITIAL_PANEL_STATE);
    const agentHtml = renderToStaticMarkup(createElement(AgentControls, { view: view.agents.cal as NonNullable<typeof view.agents.cal>, controller }));
    for (const id of ['agent-actions-cal', 'away-reason', 'set-state-available', 'set-state-away', 'set-state-offline', 'edit-skills']) {
      expect(agentHtml).toContain(`data-testid="${id}"`);
    }
    const waitingHtml = renderToStaticMarkup(
      createElement(WaitingCallControls, { view: view.waitingCalls['waiting-general'] as NonNullable<(typeof view.waitingCalls)[string]>, controller }),
    );
    for (const id of ['waiting-call-actions-waiting-general', 'toggle-priority', 'assignee', 'assign']) expect(waitingHtml).toContain(`data-testid="${id}"`);
    expect(waitingHtml).toContain('Ana Ortiz');
    const liveHtml = renderToStaticMarkup(
      createElement(LiveCallControls, { view: view.liveCalls['live-1'] as NonNullable<(typeof view.liveCalls)[string]>, controller }),
    );
    for (const id of ['monitor-listen', 'monitor-coach', 'monitor-barge']) expect(liveHtml).toContain(`data-testid="${id}"`);
    expect(liveHtml).not.toContain('monitor-leave');
  });
});
