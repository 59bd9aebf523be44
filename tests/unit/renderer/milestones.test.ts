// Milestones land on window.__frontdesk.events and go out as `frontdesk` CustomEvents.
import { describe, expect, it } from 'vitest';
import { createMilestoneRecorder, type MilestoneTarget } from '../../../renderer/app/milestones.js';
import { deskSocketUrl } from '../../../renderer/desk/get-desk-client.js';

describe('milestones', () => {
  it('records each milestone and dispatches it by name', () => {
    const dispatched: Event[] = [];
    const target: MilestoneTarget = { dispatchEvent: (event) => dispatched.push(event) > 0 };
    let clock = 10;
    const record = createMilestoneRecorder(target, () => clock++);
    record('desk-ready');
    record('call-incoming', { callSid: 'CA1' });
    expect(target.__frontdesk?.events).toEqual([
      { name: 'desk-ready', at: 10 },
      { name: 'call-incoming', at: 11, detail: { callSid: 'CA1' } },
    ]);
    expect(dispatched.map((event) => [event.type, (event as CustomEvent<{ name: string }>).detail.name])).toEqual([
      ['frontdesk', 'desk-ready'],
      ['frontdesk', 'call-incoming'],
    ]);
  });
});

describe('transport choice', () => {
  it('points web mode at the desk host on the same origin', () => {
    expect(deskSocketUrl({ protocol: 'http:', host: '127.0.0.1:4311' })).toBe('ws://127.0.0.1:4311/desk');
    expect(deskSocketUrl({ protocol: 'https:', host: 'desk.example.org' })).toBe('wss://desk.example.org/desk');
  });
});
