// The store's named actions: each computes the next state from the current one.
import { describe, expect, it } from 'vitest';
import type { CallState, CallStateCause, CallStateChange } from '../../../renderer/softphone/call-state.js';
import { createDeskStore } from '../../../renderer/stores/desk-store.js';
import { agent, incomingCall, screenPop, session, syncStatus } from './fixtures.js';

function change(from: CallState, to: CallState, cause: CallStateCause, at: number): CallStateChange {
  return { from, to, cause, call: to === 'idle' ? null : incomingCall, at };
}

describe('call slice', () => {
  it('rings with the call and a loading screen pop', () => {
    const store = createDeskStore();
    store.getState().softphoneStateChanged(change('idle', 'ringing', 'invite', 100));
    expect(store.getState()).toMatchObject({
      callState: 'ringing',
      currentCall: incomingCall,
      ringingSince: 100,
      answeredAt: null,
      screenPop: { status: 'loading', callSid: incomingCall.callSid },
    });
  });

  it('keeps the pop only for the call that is ringing', () => {
    const store = createDeskStore();
    store.getState().screenPopLoaded(incomingCall.callSid, screenPop);
    expect(store.getState().screenPop).toEqual({ status: 'none' });

    store.getState().softphoneStateChanged(change('idle', 'ringing', 'invite', 100));
    store.getState().screenPopLoaded('CAffffffffffffffffffffffffffffffff', screenPop);
    expect(store.getState().screenPop.status).toBe('loading');
    store.getState().screenPopLoaded(incomingCall.callSid, screenPop);
    expect(store.getState().screenPop).toEqual({ status: 'ready', callSid: incomingCall.callSid, pop: screenPop });
  });

  it('records a failed lookup for the ringing call', () => {
    const store = createDeskStore();
    store.getState().softphoneStateChanged(change('idle', 'ringing', 'invite', 100));
    store.getState().screenPopFailed(incomingCall.callSid, { code: 'CACHE_CORRUPT', message: 'unreadable' });
    expect(store.getState().screenPop).toMatchObject({ status: 'failed', error: { code: 'CACHE_CORRUPT' } });
  });

  it('times an answered call and summarises it when it ends', () => {
    const store = createDeskStore();
    const { softphoneStateChanged } = store.getState();
    softphoneStateChanged(change('idle', 'ringing', 'invite', 100));
    store.getState().screenPopLoaded(incomingCall.callSid, screenPop);
    softphoneStateChanged(change('ringing', 'connecting', 'agent_accepted', 1_000));
    softphoneStateChanged(change('connecting', 'in_call', 'media_connected', 1_200));
    expect(store.getState().answeredAt).toBe(1_200);
    // A media hiccup does not restart the timer.
    softphoneStateChanged(change('in_call', 'reconnecting', 'media_lost', 5_000));
    softphoneStateChanged(change('reconnecting', 'in_call', 'media_restored', 6_000));
    expect(store.getState().answeredAt).toBe(1_200);
    softphoneStateChanged(change('in_call', 'ended', 'caller_hung_up', 61_200));
    expect(store.getState().callState).toBe('ended');
    expect(store.getState().lastCall).toEqual({
      call: incomingCall,
      outcome: 'caller_hung_up',
      endedAt: 61_200,
      talkMs: 60_000,
      callerName: 'Denise Whitfield',
    });
    expect(store.getState().callsHandled).toBe(1);
  });

  it('returns to idle keeping the last call, and counts only answered calls', () => {
    const store = createDeskStore();
    const { softphoneStateChanged } = store.getState();
    softphoneStateChanged(change('idle', 'ringing', 'invite', 100));
    softphoneStateChanged(change('ringing', 'ended', 'caller_cancelled', 900));
    softphoneStateChanged(change('ended', 'idle', 'ready', 2_900));
    expect(store.getState()).toMatchObject({
      callState: 'idle',
      currentCall: null,
      screenPop: { status: 'none' },
      callsHandled: 0,
      lastCall: { outcome: 'caller_cancelled', talkMs: null, callerName: null },
    });
  });
});

describe('session and sync slices', () => {
  it('loads the session and tracks the agent state request', () => {
    const store = createDeskStore();
    store.getState().sessionLoaded(session);
    expect(store.getState().agent?.state).toBe('offline');
    store.getState().agentStateRequested('away');
    expect(store.getState()).toMatchObject({ agentStatePending: 'away', preferredAgentState: 'away' });
    store.getState().agentChanged({ ...agent, state: 'away' });
    expect(store.getState()).toMatchObject({ agentStatePending: null, agent: { state: 'away' } });
    store.getState().agentStateRequested('on_call');
    expect(store.getState().preferredAgentState).toBe('away');
    store.getState().agentStateRequestFailed({ code: 'SERVER_UNREACHABLE', message: 'down' });
    expect(store.getState()).toMatchObject({ agentStatePending: null, notice: { code: 'SERVER_UNREACHABLE' } });
  });

  it('never lets an older sync status replace a newer one', () => {
    const store = createDeskStore();
    store.getState().syncStatusReceived(syncStatus);
    store.getState().syncStatusReceived({ ...syncStatus, lastSyncedAt: '2025-06-01T11:00:00Z', connection: 'offline' });
    expect(store.getState().syncStatus?.connection).toBe('online');
    store.getState().syncStatusReceived({ ...syncStatus, lastSyncedAt: '2025-06-01T12:05:00Z', connection: 'syncing' });
    expect(store.getState().syncStatus?.connection).toBe('syncing');
  });
});
