// The call controls end to end inside the renderer, with the fake desk and a scripted softphone:
// ringtone, mute as the media reports it, DTMF, hold, warm transfer, wrap-up, the server's
// callChanged and agentChanged events, notifications, and re-registering after sleep.
import { describe, expect, it, vi } from 'vitest';
import type { IncomingCall } from '../../../shared/domain/call.js';
import { DeskController } from '../../../renderer/app/controller.js';
import { createMilestoneRecorder } from '../../../renderer/app/milestones.js';
import type { DeskNotification } from '../../../renderer/app/notify.js';
import type { TonePlayer } from '../../../renderer/call/ringtone.js';
import { createLogger } from '../../../renderer/lib/log.js';
import { SoftphoneCore } from '../../../renderer/softphone/softphone-core.js';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { createFakeDesk } from './fake-desk.js';
import { acceptedCase, agent, answeredCallState, incomingCall, transferTargets } from './fixtures.js';

class ScriptedSoftphone extends SoftphoneCore {
  readonly kind = 'simulated' as const;
  readonly digits: string[] = [];
  readonly muteRequests: boolean[] = [];
  readonly reRegistrations: string[] = [];
  /** Whether the "media" reports mute changes (a Twilio call does so on its `mute` event). */
  mediaAnswers = true;
  constructor() {
    super({ log: createLogger('test-softphone'), endedHoldMs: 5 });
  }
  async register(): Promise<void> {
    this.setRegistration('registered', 'scripted', 'demo-calltaker');
  }
  ring(call: IncomingCall): void {
    this.transition('ringing', 'invite', call);
  }
  accept(): boolean {
    return this.transition('connecting', 'agent_accepted') && this.transition('in_call', 'media_connected');
  }
  reject(): boolean {
    return this.transition('ended', 'agent_declined');
  }
  hangup(): boolean {
    return this.transition('ended', 'agent_hung_up');
  }
  setMuted(muted: boolean): boolean {
    if (!this.isLive) return false;
    this.muteRequests.push(muted);
    if (this.mediaAnswers) this.mediaMuted(muted);
    return true;
  }
  reportMuted(muted: boolean): void {
    this.mediaMuted(muted);
  }
  sendDigits(digits: string): boolean {
    if (!this.isLive) return false;
    this.digits.push(digits);
    return true;
  }
  async refreshRegistration(reason: string): Promise<void> {
    this.reRegistrations.push(reason);
    this.setRegistration('registering', reason);
    this.setRegistration('registered', 'scripted', 'demo-calltaker');
  }
  farEndHangsUp(): void {
    this.transition('ended', 'caller_hung_up');
  }
  callerGivesUp(): void {
    this.transition('ended', 'caller_cancelled');
  }
}

async function startedDesk(options: { visible?: boolean } = {}) {
  const { desk, calls, emit } = createFakeDesk();
  const store = createDeskStore();
  const softphone = new ScriptedSoftphone();
  const player = { playing: false, starts: 0 };
  const tonePlayer: TonePlayer = {
    start: () => ((player.playing = true), player.starts++),
    stop: () => (player.playing = false),
  };
  const notifications: DeskNotification[] = [];
  const controller = new DeskController({
    desk,
    store,
    milestone: createMilestoneRecorder({}),
    createSoftphone: async () => softphone,
    tonePlayer,
    notifier: { notify: (notification) => notifications.push(notification) },
    isPageVisible: () => options.visible ?? true,
  });
  await controller.start();
  return { desk, calls, emit, store, state: () => store.getState(), softphone, controller, player, notifications };
}

describe('ringtone', () => {
  it('rings on an incoming call, can be silenced without declining, and stops on answer', async () => {
    const { softphone, controller, player, state } = await startedDesk();
    softphone.ring(incomingCall);
    expect(player.playing).toBe(true);
    expect(state().ringtone).toBe('ringing');
    controller.perform({ kind: 'silence' });
    expect(player.playing).toBe(false);
    expect(state()).toMatchObject({ ringtone: 'silenced', callState: 'ringing' });
    controller.perform({ kind: 'accept' });
    expect(state()).toMatchObject({ ringtone: 'quiet', callState: 'in_call' });
    expect(player.starts).toBe(1);
  });

  it('stops when the caller gives up, and notifies the missed call', async () => {
    const { softphone, player, state, notifications } = await startedDesk();
    softphone.ring(incomingCall);
    softphone.callerGivesUp();
    expect(player.playing).toBe(false);
    expect(state().ringtone).toBe('quiet');
    expect(notifications).toEqual([{ title: 'Missed call', body: `${incomingCall.from} hung up before the call was answered.` }]);
    expect(state().wrapUp).toBeNull();
  });

  it('stops on decline', async () => {
    const { softphone, controller, player } = await startedDesk();
    softphone.ring(incomingCall);
    controller.perform({ kind: 'decline' });
    expect(player.playing).toBe(false);
  });
});

describe('notifications', () => {
  it('tells of an incoming call only when the desk is not in view', async () => {
    const hidden = await startedDesk({ visible: false });
    hidden.softphone.ring({ ...incomingCall, is911Transfer: true, queue: 'triage' });
    expect(hidden.notifications).toEqual([{ title: 'Incoming 911 transfer', body: `${incomingCall.from} · triage queue` }]);
    const visible = await startedDesk({ visible: true });
    visible.softphone.ring(incomingCall);
    expect(visible.notifications).toEqual([]);
  });
});

describe('mute and DTMF', () => {
  it('shows muted only once the media says so, and keeps it until the agent unmutes', async () => {
    const { softphone, controller, state } = await startedDesk();
    softphone.ring(incomingCall);
    controller.accept();
    softphone.mediaAnswers = false;
    controller.perform({ kind: 'mute' });
    expect(softphone.muteRequests).toEqual([true]);
    expect(state().muted).toBe(false);
    softphone.reportMuted(true);
    expect(state().muted).toBe(true);
    softphone.mediaAnswers = true;
    controller.perform({ kind: 'mute' });
    expect(softphone.muteRequests).toEqual([true, false]);
    expect(state().muted).toBe(false);
  });

  it('sends keypad digits on the live call and shows them', async () => {
    const { softphone, controller, state } = await startedDesk();
    softphone.ring(incomingCall);
    controller.perform({ kind: 'digit', digit: '1' });
    expect(softphone.digits).toEqual([]);
    controller.accept();
    controller.perform({ kind: 'keypad' });
    expect(state().drawer).toBe('keypad');
    controller.perform({ kind: 'digit', digit: '4' });
    controller.perform({ kind: 'digit', digit: '#' });
    expect(softphone.digits).toEqual(['4', '#']);
    expect(state().digitsSent).toBe('4#');
  });

  it('forgets mute when the call ends', async () => {
    const { softphone, controller, state } = await startedDesk();
    softphone.ring(incomingCall);
    controller.accept();
    controller.calls.toggleMute();
    expect(state().muted).toBe(true);
    softphone.farEndHangsUp();
    expect(state().muted).toBe(false);
  });
});

describe('hold, transfer and wrap-up', () => {
  it('reads the server view when the call rings, holds and resumes through the host', async () => {
    const { softphone, controller, desk, state } = await startedDesk();
    softphone.ring(incomingCall);
    await vi.waitFor(() => expect(state().callControl?.callId).toBe(incomingCall.callId));
    expect(desk.getCallState).toHaveBeenCalledWith({ callId: incomingCall.callId });
    controller.accept();
    await controller.calls.toggleHold();
    expect(desk.holdCall).toHaveBeenLastCalledWith({ callId: incomingCall.callId, onHold: true });
    expect(state().callControl?.onHold).toBe(true);
    await controller.calls.toggleHold();
    expect(desk.holdCall).toHaveBeenLastCalledWith({ callId: incomingCall.callId, onHold: false });
    expect(state().callControl?.onHold).toBe(false);
  });

  it('shows a refused control as an error and lets the agent try again', async () => {
    const { softphone, controller, desk, state } = await startedDesk();
    vi.mocked(desk.holdCall).mockRejectedValueOnce({ code: 'SERVER_UNREACHABLE', message: 'The central server could not be reached.' });
    softphone.ring(incomingCall);
    await vi.waitFor(() => expect(state().callControl).not.toBeNull());
    controller.accept();
    await controller.calls.toggleHold();
    expect(state()).toMatchObject({ controlPending: null, controlError: { code: 'SERVER_UNREACHABLE' } });
    await controller.calls.toggleHold();
    expect(state()).toMatchObject({ controlError: null, callControl: { onHold: true } });
  });

  it('warm-transfers to a department chosen by number, completes, and wraps up as transferred', async () => {
    const { softphone, controller, desk, emit, state, calls } = await startedDesk();
    softphone.ring(incomingCall);
    await vi.waitFor(() => expect(state().callControl).not.toBeNull());
    controller.accept();
    await controller.calls.toggleTransfer();
    expect(state()).toMatchObject({ drawer: 'transfer', transferTargets: { status: 'ready', targets: transferTargets } });
    controller.perform({ kind: 'pickTarget', index: 1 });
    expect(state().transferChoice).toEqual({ kind: 'department', code: 'streets', name: 'Streets Department' });
    await controller.calls.transfer('warm');
    expect(desk.transferCall).toHaveBeenCalledWith({ callId: incomingCall.callId, mode: 'warm', target: { kind: 'department', code: 'streets' } });
    // The server reports the department answered, then the completed transfer.
    const consulting = {
      ...answeredCallState,
      onHold: true,
      transfer: { mode: 'warm' as const, target: { kind: 'department' as const, code: 'streets' }, targetName: 'Streets Department', status: 'consulting' as const, startedAt: '2025-06-01T12:03:00Z', failure: null },
      timeline: [...answeredCallState.timeline,
        { at: '2025-06-01T12:03:00Z', kind: 'transfer_started' as const, agentId: agent.id, detail: 'to Streets Department' },
        { at: '2025-06-01T12:03:05Z', kind: 'transfer_answered' as const, agentId: null, detail: null }],
    };
    emit('callChanged', consulting);
    expect(state().callControl?.transfer?.status).toBe('consulting');
    const completed = {
      ...consulting,
      transfer: { ...consulting.transfer, status: 'completed' as const },
      timeline: [...consulting.timeline, { at: '2025-06-01T12:03:30Z', kind: 'transfer_completed' as const, agentId: agent.id, detail: null }],
    };
    vi.mocked(desk.completeTransfer).mockResolvedValueOnce(completed);
    controller.perform({ kind: 'completeTransfer' });
    await vi.waitFor(() => expect(state().callControl?.transfer?.status).toBe('completed'));
    expect(state().drawer).toBe('none');
    // An older event arriving late does not undo the completed transfer.
    emit('callChanged', consulting);
    expect(state().callControl?.transfer?.status).toBe('completed');
    // The agent's leg leaves the conference.
    softphone.farEndHangsUp();
    expect(state().wrapUp).toMatchObject({ callId: incomingCall.callId, disposition: 'transferred' });
    emit('agentChanged', { ...agent, state: 'wrap_up', stateSince: '2025-06-01T12:04:00Z' });
    expect(state().agent?.state).toBe('wrap_up');
    controller.perform({ kind: 'submitWrapUp' });
    await vi.waitFor(() => expect(state().wrapUp).toBeNull());
    expect(desk.wrapUpCall).toHaveBeenCalledWith({ callId: incomingCall.callId, disposition: 'transferred', caseId: null, note: null });
    expect(state().agent).toMatchObject({ state: 'available', stateReason: 'wrap-up done' });
    expect(calls).toContain('wrapUpCall:transferred');
  });

  it('suggests "transferred" when the completed transfer is reported after the call already ended, unless the agent chose', async () => {
    const { softphone, controller, emit, state } = await startedDesk();
    softphone.ring(incomingCall);
    await vi.waitFor(() => expect(state().callControl).not.toBeNull());
    controller.accept();
    // The server drops the agent's leg before its answer to "complete" reaches the desk.
    softphone.farEndHangsUp();
    expect(state().wrapUp?.disposition).toBeNull();
    const completed = {
      ...answeredCallState,
      transfer: { mode: 'warm' as const, target: { kind: 'department' as const, code: 'streets' }, targetName: 'Streets Department', status: 'completed' as const, startedAt: '2025-06-01T12:03:00Z', failure: null },
      timeline: [...answeredCallState.timeline, { at: '2025-06-01T12:03:30Z', kind: 'transfer_completed' as const, agentId: agent.id, detail: null }],
    };
    emit('callChanged', completed);
    expect(state().wrapUp?.disposition).toBe('transferred');
    controller.perform({ kind: 'pickDisposition', index: 8 });
    emit('callChanged', { ...completed, timeline: [...completed.timeline, { at: '2025-06-01T12:04:00Z', kind: 'ended' as const, agentId: null, detail: null }] });
    expect(state().wrapUp?.disposition).toBe('other');
  });

  it('needs a disposition before wrap-up is sent, picked by number', async () => {
    const { softphone, controller, desk, state } = await startedDesk();
    softphone.ring(incomingCall);
    controller.accept();
    controller.hangUp();
    expect(await controller.calls.submitWrapUp()).toBe(false);
    expect(desk.wrapUpCall).not.toHaveBeenCalled();
    controller.perform({ kind: 'pickDisposition', index: 2 });
    expect(state().wrapUp?.disposition).toBe('information_given');
    state().wrapUpEdited({ note: '  told them the trash day  ' });
    expect(await controller.calls.submitWrapUp()).toBe(true);
    expect(desk.wrapUpCall).toHaveBeenCalledWith({ callId: incomingCall.callId, disposition: 'information_given', caseId: null, note: 'told them the trash day' });
  });

  it('writes the timeline of the call to the case it was wrapped up with, and keeps the wrap-up if that fails', async () => {
    const { softphone, controller, desk, state } = await startedDesk();
    softphone.ring(incomingCall);
    controller.accept();
    controller.hangUp();
    controller.perform({ kind: 'pickDisposition', index: 0 });
    state().wrapUpEdited({ caseId: acceptedCase.id });
    expect(await controller.calls.submitWrapUp()).toBe(true);
    expect(desk.addCaseNote).toHaveBeenCalledWith({ caseId: acceptedCase.id, text: expect.stringContaining(`Call from ${answeredCallState.from}`) });
    const text = vi.mocked(desk.addCaseNote).mock.calls[0]?.[0].text ?? '';
    expect(text.split('\n').length).toBe(answeredCallState.timeline.length + 1);

    softphone.ring(incomingCall);
    controller.accept();
    controller.hangUp();
    controller.perform({ kind: 'pickDisposition', index: 0 });
    state().wrapUpEdited({ caseId: acceptedCase.id });
    vi.mocked(desk.addCaseNote).mockRejectedValueOnce(new Error('no such case on this desk'));
    expect(await controller.calls.submitWrapUp()).toBe(true);
    expect(state().wrapUp).toBeNull();
  });

  it('ignores call changes about other calls', async () => {
    const { emit, state, softphone } = await startedDesk();
    softphone.ring(incomingCall);
    await vi.waitFor(() => expect(state().callControl).not.toBeNull());
    emit('callChanged', { ...answeredCallState, callId: '0190a8f2-7b1c-7c3e-8f00-999999999999', onHold: true });
    expect(state().callControl?.onHold).toBe(false);
  });
});

describe('agent state', () => {
  it('goes away with a reason picked by number, and follows the server with its reason', async () => {
    const { controller, desk, emit, state } = await startedDesk();
    controller.perform({ kind: 'away' });
    expect(state().drawer).toBe('away');
    controller.perform({ kind: 'pickAwayReason', index: 1 });
    await vi.waitFor(() => expect(desk.setAgentState).toHaveBeenLastCalledWith({ state: 'away', reason: 'lunch' }));
    expect(state().drawer).toBe('none');
    emit('agentChanged', { ...agent, state: 'away', stateSince: '2030-01-01T00:00:00Z', stateReason: 'missed 2 calls' });
    expect(state().agent).toMatchObject({ state: 'away', stateReason: 'missed 2 calls' });
    // An older state arriving after a newer one is ignored.
    emit('agentChanged', { ...agent, state: 'available', stateSince: '2029-01-01T00:00:00Z' });
    expect(state().agent?.state).toBe('away');
  });
});

describe('resume after sleep', () => {
  it('registers the phone again and reads the agent and the call afresh', async () => {
    const { controller, softphone, desk, state } = await startedDesk();
    softphone.ring(incomingCall);
    controller.accept();
    vi.mocked(desk.getSession).mockClear();
    vi.mocked(desk.getCallState).mockClear();
    await controller.resume('system resumed');
    expect(softphone.reRegistrations).toEqual(['system resumed']);
    expect(state().softphoneRegistration).toBe('registered');
    expect(desk.getSession).toHaveBeenCalledTimes(1);
    expect(desk.getCallState).toHaveBeenCalledWith({ callId: incomingCall.callId });
  });

  it('blocks unloading only while a call is ringing or live', async () => {
    const { controller, softphone } = await startedDesk();
    expect(controller.callIsLive).toBe(false);
    softphone.ring(incomingCall);
    expect(controller.callIsLive).toBe(true);
    controller.accept();
    expect(controller.callIsLive).toBe(true);
    controller.hangUp();
    expect(controller.callIsLive).toBe(false);
  });
});
