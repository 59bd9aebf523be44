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
import { agent, incomingCall, session, syncStatus } from './fixtures.js';

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
  const store = createDeskStore();
  const target: MilestoneTarget = {};
  const softphone = new ScriptedSoftphone();
  const createSoftphone = vi.fn(async () => {
    calls.push('createSoftphone');
    return softphone;
  });
  const controller = new DeskController({ desk, store, milestone: createMilestoneRecorder(target), createSoftphone });
  await controller.start();
  const milestones = () => target.__frontdesk?.events.map((event) => event.name) ?? [];
  return { desk, calls, emit, store, softphone, controller, milestones };
}

describe('DeskController', () => {
  it('starts in order: session, available, softphone', async () => {
    const { calls, store, milestones } = await startedDesk();
    expect(calls.filter((call) => call !== 'getSyncStatus')).toEqual(['getSession', 'setAgentState:available', 'createSoftphone']);
    expect(store.getState()).toMatchObject({ session, agent: { state: 'available' }, softphoneRegistration: 'registered', deskLink: 'open' });
    expect(milestones()).toEqual(['desk-ready', 'softphone-registered']);
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

  it('shows a boot error when the session cannot be read', async () => {
    const { desk } = inProcessDesk();
    desk.getSession = vi.fn(async () => Promise.reject(new Error('host is down')));
    const store = createDeskStore();
    const controller = new DeskController({ desk, store, milestone: createMilestoneRecorder({}), createSoftphone: vi.fn() });
    await controller.start();
    expect(store.getState().bootError).toMatchObject({ code: 'INTERNAL', message: 'host is down' });
  });
});
