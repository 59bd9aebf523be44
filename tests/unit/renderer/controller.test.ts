// The desk's start-up order and call flow with an in-process desk and a scripted softphone:
// session → available → softphone; the caller lookup starts as soon as a call rings.
import { describe, expect, it, vi } from 'vitest';
import type { IncomingCall } from '../../../shared/domain/call.js';
import { DeskController } from '../../../renderer/app/controller.js';
import { createMilestoneRecorder, type MilestoneTarget } from '../../../renderer/app/milestones.js';
import { createLogger } from '../../../renderer/lib/log.js';
import { SoftphoneCore } from '../../../renderer/softphone/softphone-core.js';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { createFakeDesk } from './fake-desk.js';
import type { CallControlState } from '../../../shared/call-control.js';
import { agent, answeredCallState, incomingCall, screenPop, session, syncStatus } from './fixtures.js';

/** The server's word, through the host, that the call is ringing for this agent. */
const ringingHere: CallControlState = { ...answeredCallState, phase: 'ringing', agentId: session.agent.id, timeline: answeredCallState.timeline.slice(0, 2) };

/** A softphone the test rings and hangs up by hand. */
class ScriptedSoftphone extends SoftphoneCore {
  readonly kind = 'simulated' as const;
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
  readonly digits: string[] = [];
  readonly reRegistrations: string[] = [];
  setMuted(muted: boolean): boolean {
    if (!this.isLive) return false;
    this.mediaMuted(muted);
    return true;
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
  hangUpFromFarEnd(): boolean {
    return this.transition('ended', 'caller_hung_up');
  }
  cancelFromCaller(): boolean {
    return this.transition('ended', 'caller_cancelled');
  }
}

function inProcessDesk() {
  return createFakeDesk();
}

async function startedDesk() {
  const { desk, calls, emit } = inProcessDesk();
  // Work held back until after the pop's frame runs when the test says the page is idle.
  const idle: Array<() => void> = [];
  const runIdle = () => idle.splice(0).forEach((task) => task());
  const store = createDeskStore();
  const target: MilestoneTarget = {};
  const softphone = new ScriptedSoftphone();
  const createSoftphone = vi.fn(async () => {
    calls.push('createSoftphone');
    return softphone;
  });
  const afterPop = (task: () => void) => {
    idle.push(task);
    return () => undefined;
  };
  const controller = new DeskController({ desk, store, milestone: createMilestoneRecorder(target), createSoftphone, afterPop });
  await controller.start();
  const milestones = () => target.__frontdesk?.events.map((event) => event.name) ?? [];
  const milestoneDetail = (name: string) => target.__frontdesk?.events.filter((event) => event.name === name).at(-1)?.detail;
  return { desk, calls, emit, store, softphone, controller, milestones, milestoneDetail, runIdle };
}

describe('DeskController', () => {
  it('starts in order: session, available, softphone', async () => {
    const { calls, store, milestones } = await startedDesk();
    expect(calls.filter((call) => call !== 'getSyncStatus')).toEqual(['getAuthState', 'getSession', 'setAgentState:available', 'createSoftphone']);
    expect(store.getState()).toMatchObject({ session, agent: { state: 'available' }, softphoneRegistration: 'registered', deskLink: 'open' });
    expect(milestones()).toEqual(['auth-state', 'desk-ready', 'softphone-registered']);
    await vi.waitFor(() => expect(store.getState().syncStatus).toEqual(syncStatus));
  });

  it('looks the caller up as soon as the call rings and records the painted pop once', async () => {
    const { desk, softphone, store, controller, milestones } = await startedDesk();
    softphone.ring(incomingCall);
    expect(desk.lookupCaller).toHaveBeenCalledWith({ phone: incomingCall.from });
    await vi.waitFor(() => expect(store.getState().screenPop.status).toBe('ready'));
    controller.screenPopPainted(incomingCall.callSid, 1);
    controller.screenPopPainted(incomingCall.callSid, 1);
    expect(milestones().filter((name) => name === 'screen-pop-rendered')).toHaveLength(1);
    expect(milestones()).toContain('call-incoming');
  });

  it('asks only for the pop while the call rings in; the other reads wait until the page is idle', async () => {
    const { calls, desk, softphone, store, runIdle } = await startedDesk();
    await vi.waitFor(() => expect(store.getState().syncStatus).toEqual(syncStatus));
    const before = calls.length;
    const protocolReads = vi.mocked(desk.listTriageProtocols).mock.calls.length;
    softphone.ring(incomingCall);
    // Their answers would otherwise be parsed and rendered in the pop's frame.
    expect(calls.slice(before)).toEqual(['lookupCaller']);
    expect(desk.listTriageProtocols).toHaveBeenCalledTimes(protocolReads);
    runIdle();
    expect(calls.slice(before)).toEqual(['lookupCaller', 'getCallState']);
    expect(desk.listTriageProtocols).toHaveBeenCalledTimes(protocolReads + 1);
  });

  it('starts the lookup when the server says the call rings here, and pops it in the ring\'s own render', async () => {
    const { desk, emit, softphone, store, controller, milestoneDetail } = await startedDesk();
    emit('callChanged', ringingHere);
    expect(desk.lookupCaller).toHaveBeenCalledTimes(1);
    expect(desk.lookupCaller).toHaveBeenCalledWith({ phone: ringingHere.from });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const seen: string[] = [];
    const unsubscribe = store.subscribe((state) => seen.push(state.screenPop.status));
    softphone.ring(incomingCall);
    unsubscribe();
    // No second lookup, and the answer is on screen before the ring's task is over.
    expect(desk.lookupCaller).toHaveBeenCalledTimes(1);
    expect(store.getState().screenPop).toEqual({ status: 'ready', callSid: incomingCall.callSid, pop: screenPop });
    expect(seen.at(-1)).toBe('ready');
    controller.screenPopPainted(incomingCall.callSid, 1);
    expect(milestoneDetail('screen-pop-rendered')).toMatchObject({ callSid: incomingCall.callSid, earlyLookup: true });
  });

  it('still uses an early lookup that has not answered when the phone rings', async () => {
    let answer: (pop: typeof screenPop) => void = () => undefined;
    const { desk, emit, softphone, store } = await startedDesk();
    vi.mocked(desk.lookupCaller).mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    emit('callChanged', ringingHere);
    softphone.ring(incomingCall);
    expect(store.getState().screenPop.status).toBe('loading');
    answer(screenPop);
    await vi.waitFor(() => expect(store.getState().screenPop.status).toBe('ready'));
    expect(desk.lookupCaller).toHaveBeenCalledTimes(1);
  });

  it('pops from the host\'s own lookup, sent with the offer, without asking for one', async () => {
    const { desk, emit, softphone, store, controller, milestoneDetail } = await startedDesk();
    const hostPop = { ...screenPop, lookupMs: 0.42 };
    emit('callerPopped', { callId: ringingHere.callId, phone: ringingHere.from, pop: hostPop });
    emit('callChanged', ringingHere);
    softphone.ring(incomingCall);
    expect(desk.lookupCaller).not.toHaveBeenCalled();
    expect(store.getState().screenPop).toEqual({ status: 'ready', callSid: incomingCall.callSid, pop: hostPop });
    controller.screenPopPainted(incomingCall.callSid, 1);
    expect(milestoneDetail('screen-pop-rendered')).toMatchObject({ earlyLookup: true });
  });

  it('shows the host\'s pop when it comes after the ring, and keeps it when the renderer\'s own lookup then fails', async () => {
    const { desk, emit, softphone, store } = await startedDesk();
    let failLookup: (error: Error) => void = () => undefined;
    vi.mocked(desk.lookupCaller).mockReturnValueOnce(new Promise((_resolve, reject) => (failLookup = reject)));
    softphone.ring(incomingCall);
    expect(store.getState().screenPop.status).toBe('loading');
    const hostPop = { ...screenPop, lookupMs: 0.42 };
    emit('callerPopped', { callId: incomingCall.callId, phone: incomingCall.from, pop: hostPop });
    expect(store.getState().screenPop).toEqual({ status: 'ready', callSid: incomingCall.callSid, pop: hostPop });
    failLookup(new Error('host busy'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().screenPop).toEqual({ status: 'ready', callSid: incomingCall.callSid, pop: hostPop });
  });

  it('looks up afresh when the early lookup failed, was for another number, or was never made', async () => {
    const { desk, emit, softphone, store, controller, milestoneDetail } = await startedDesk();
    emit('callChanged', { ...ringingHere, agentId: 'someone-else' });
    emit('callChanged', { ...ringingHere, phase: 'answered' });
    expect(desk.lookupCaller).not.toHaveBeenCalled();

    vi.mocked(desk.lookupCaller).mockRejectedValueOnce(new Error('host busy'));
    emit('callChanged', ringingHere);
    await new Promise((resolve) => setTimeout(resolve, 0));
    softphone.ring(incomingCall);
    expect(desk.lookupCaller).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(store.getState().screenPop.status).toBe('ready'));
    controller.screenPopPainted(incomingCall.callSid, 1);
    expect(milestoneDetail('screen-pop-rendered')).toMatchObject({ earlyLookup: false });
    controller.hangUp();
    controller.decline();
    await vi.waitFor(() => expect(store.getState().callState).toBe('idle'));

    const second = { ...incomingCall, callId: '0190a8f2-7b1c-7c3e-8f00-112233449999', callSid: 'CA0123456789abcdef0123456789abcd99' };
    emit('callChanged', { ...ringingHere, callId: second.callId, from: '+12155550199' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    softphone.ring(second);
    expect(vi.mocked(desk.lookupCaller).mock.calls.map(([params]) => params.phone)).toEqual([incomingCall.from, incomingCall.from, '+12155550199', second.from]);
  });

  it('readies the ringtone before the phone registers, so the first ring does not pay for it', async () => {
    const { desk } = inProcessDesk();
    const played: string[] = [];
    const softphone = new ScriptedSoftphone();
    const controller = new DeskController({
      desk,
      store: createDeskStore(),
      milestone: createMilestoneRecorder({}),
      createSoftphone: async () => (played.push('softphone'), softphone),
      tonePlayer: { prepare: () => played.push('prepare'), start: () => played.push('start'), stop: () => undefined },
    });
    await controller.start();
    softphone.ring(incomingCall);
    expect(played).toEqual(['prepare', 'softphone', 'start']);
    controller.stop();
  });

  it('accepts, hangs up, and opens wrap-up without touching the agent state', async () => {
    const { desk, softphone, store, controller, milestones } = await startedDesk();
    softphone.ring(incomingCall);
    expect(controller.accept()).toBe(true);
    expect(store.getState().callState).toBe('in_call');
    expect(controller.hangUp()).toBe(true);
    expect(store.getState().lastCall?.outcome).toBe('agent_hung_up');
    expect(milestones()).toEqual(expect.arrayContaining(['call-accepted', 'call-ended']));
    expect(store.getState().wrapUp).toMatchObject({ callId: incomingCall.callId, from: incomingCall.from, disposition: null });
    await vi.waitFor(() => expect(store.getState().callState).toBe('idle'));
    // The server moves the agent to wrap-up and back; the desk never guesses.
    expect(desk.setAgentState).toHaveBeenCalledTimes(1);
  });

  it('opens no wrap-up for a declined call, and leaves the state to the server', async () => {
    const { desk, softphone, store, controller } = await startedDesk();
    await controller.calls.setAgentState('away', 'lunch');
    softphone.ring(incomingCall);
    controller.decline();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.getState().wrapUp).toBeNull();
    expect(vi.mocked(desk.setAgentState).mock.calls.map(([params]) => [params.state, params.reason])).toEqual([['available', null], ['away', 'lunch']]);
  });

  it('follows host events for sync status and the agent', async () => {
    const { emit, store } = await startedDesk();
    emit('syncStatus', { ...syncStatus, connection: 'offline', offlineSince: '2025-06-01T12:10:00Z' });
    emit('agentChanged', { ...agent, state: 'on_call' });
    expect(store.getState().syncStatus?.connection).toBe('offline');
    expect(store.getState().agent?.state).toBe('on_call');
  });

  it('wires case work to host events: a rejected push raises a toast, service types load at start', async () => {
    const { emit, store, controller } = await startedDesk();
    await vi.waitFor(() => expect(store.getState().serviceTypes.length).toBeGreaterThan(0));
    emit('mutationResults', [{ id: 3, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no such case' } }]);
    expect(store.getState().toast).toMatchObject({ tone: 'bad' });
    controller.stop();
    store.getState().toastDismissed();
    emit('mutationResults', [{ id: 4, status: 'rejected', error: { code: 'NOT_FOUND', message: 'no such case' } }]);
    expect(store.getState().toast).toBeNull();
  });

  it('starts no phone and sets no call-floor state for department staff', async () => {
    const { desk } = inProcessDesk();
    desk.getSession = vi.fn(async () => ({ ...session, agent: { ...session.agent, role: 'department_staff' as const } }));
    const store = createDeskStore();
    const createSoftphone = vi.fn();
    const controller = new DeskController({ desk, store, milestone: createMilestoneRecorder({}), createSoftphone });
    await controller.start();
    expect(store.getState().session?.agent.role).toBe('department_staff');
    expect(desk.setAgentState).not.toHaveBeenCalled();
    expect(createSoftphone).not.toHaveBeenCalled();
  });

  it('shows a boot error when the session cannot be read', async () => {
    const { desk } = inProcessDesk();
    desk.getSession = vi.fn(async () => Promise.reject(new Error('host is down')));
    const store = createDeskStore();
    const controller = new DeskController({ desk, store, milestone: createMilestoneRecorder({}), createSoftphone: vi.fn() });
    await controller.start();
    expect(store.getState().bootError).toMatchObject({ code: 'INTERNAL', message: 'host is down' });
  });
});
