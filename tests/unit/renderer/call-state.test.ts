// The call state table: every legal move is taken, every other move is refused without a change.
import { describe, expect, it, vi } from 'vitest';
import { CALL_STATES, CALL_TRANSITIONS, CallStateMachine, canTransition, type CallState, type CallStateChange } from '../../../renderer/softphone/call-state.js';
import type { Logger } from '../../../renderer/lib/log.js';
import { incomingCall } from './fixtures.js';

function quietLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { debug: () => undefined, info: () => undefined, warn: (message) => warnings.push(message), error: (message) => warnings.push(message), warnings };
}

/** Drives a fresh machine to `state` along legal moves; `listen` then sees only later changes. */
function machineAt(state: CallState) {
  const log = quietLog();
  let listener: (change: CallStateChange) => void = () => undefined;
  const machine = new CallStateMachine({ log, onChange: (change) => listener(change), now: () => 1_000 });
  const path: Record<CallState, CallState[]> = {
    idle: [],
    ringing: ['ringing'],
    connecting: ['ringing', 'connecting'],
    in_call: ['ringing', 'connecting', 'in_call'],
    reconnecting: ['ringing', 'connecting', 'in_call', 'reconnecting'],
    ended: ['ringing', 'ended'],
  };
  for (const step of path[state]) expect(machine.setState(step, 'invite', incomingCall)).toBe(true);
  const listen = (next: (change: CallStateChange) => void) => {
    listener = next;
  };
  return { machine, log, listen };
}

const legal: Array<[CallState, CallState]> = [
  ['idle', 'ringing'],
  ['ringing', 'connecting'],
  ['ringing', 'ended'],
  ['connecting', 'in_call'],
  ['connecting', 'ended'],
  ['in_call', 'reconnecting'],
  ['in_call', 'ended'],
  ['reconnecting', 'in_call'],
  ['reconnecting', 'ended'],
  ['ended', 'idle'],
  ['ended', 'ringing'],
];

describe('call state transition table', () => {
  it('lists exactly the legal moves', () => {
    const fromTable = CALL_STATES.flatMap((from) => CALL_TRANSITIONS[from].map((to) => [from, to] as [CallState, CallState]));
    expect(new Set(fromTable.map(([a, b]) => `${a}>${b}`))).toEqual(new Set(legal.map(([a, b]) => `${a}>${b}`)));
  });

  it.each(legal)('allows %s -> %s, reporting the change once', (from, to) => {
    const changes: CallStateChange[] = [];
    const { machine, listen } = machineAt(from);
    const onChange = vi.fn((change: CallStateChange) => changes.push(change));
    listen(onChange);
    expect(machine.setState(to, 'agent_accepted', incomingCall)).toBe(true);
    expect(machine.state).toBe(to);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(changes[0]).toMatchObject({ from, to, cause: 'agent_accepted', at: 1_000 });
    expect(changes[0]?.call).toEqual(to === 'idle' ? null : incomingCall);
  });

  const illegal = CALL_STATES.flatMap((from) => CALL_STATES.filter((to) => !canTransition(from, to)).map((to) => [from, to] as [CallState, CallState]));

  it('has illegal moves to test', () => {
    expect(illegal.length).toBe(CALL_STATES.length ** 2 - legal.length);
  });

  it.each(illegal)('refuses %s -> %s and stays put', (from, to) => {
    const onChange = vi.fn();
    const { machine, log, listen } = machineAt(from);
    listen(onChange);
    expect(machine.setState(to, 'failed', incomingCall)).toBe(false);
    expect(machine.state).toBe(from);
    expect(onChange).not.toHaveBeenCalled();
    expect(log.warnings.some((line) => line.includes(`refused ${from} -> ${to}`))).toBe(true);
  });

  it('will not ring without a call', () => {
    const { machine } = machineAt('idle');
    expect(machine.setState('ringing', 'invite')).toBe(false);
    expect(machine.state).toBe('idle');
  });

  it('keeps the call through the end and drops it on idle', () => {
    const { machine } = machineAt('ended');
    expect(machine.call).toEqual(incomingCall);
    machine.setState('idle', 'ready');
    expect(machine.call).toBeNull();
  });
});
